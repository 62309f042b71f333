"""A Redis lock store whose ticket operations are atomic across Rasa servers.

Rasa 3.6's RedisLockStore changes a conversation's ticket lock with a separate GET and
SET. Two servers taking a ticket for the same conversation at the same moment can both
get the same number, handle both messages at once, and the SQL tracker store then drops
one of them (it appends only the events beyond the count already stored). Known
upstream: RasaHQ/rasa#9213; the fix attempted in #11256 was reverted.

Here every read-modify-write of a lock is one Redis transaction (WATCH/MULTI/EXEC,
retried when another server changed the lock in between). Same keys, same JSON, same
settings as `type: redis`; endpoints.multi.yml:

    lock_store:
      type: bot.server.lock_store.AtomicRedisLockStore
      url: ${LOCK_REDIS_HOST}
      port: ${LOCK_REDIS_PORT}
      db: 1

It relies on RedisLockStore's attributes and key format: on a Rasa version other than the
one it was written for (bot/server/rasa_version.py) it is RedisLockStore.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.server import rasa_version

# change(lock or None) -> (lock to save, or None to delete the key; value to return)
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by module path with `endpoint_config=` only.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self.atomic = rasa_version.patches_apply(patch="bot.server.lock_store.AtomicRedisLockStore")

    def _atomically(self, conversation_id: str, change: Change) -> Any:
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> Any:
            serialised = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(serialised)) if serialised else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        if not self.atomic:
            return super().issue_ticket(conversation_id, lock_lifetime)
        def take(lock: Optional[TicketLock]):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, take)
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: str) -> None:
        if not self.atomic:
            return super().update_lock(conversation_id)
        def drop_expired(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        if not self.atomic:
            return super().finish_serving(conversation_id, ticket_number)
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        if not self.atomic:
            return super().cleanup(conversation_id, ticket_number)
        def release(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
                if not lock.is_someone_waiting():
                    lock = None
            return lock, None

        self._atomically(conversation_id, release)
