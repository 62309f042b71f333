"""Old class path, kept because endpoints files already deployed name it
(`type: bot.lock_store.AtomicRedisLockStore`); the store is bot/server/lock_store.py."""
from bot.server.lock_store import AtomicRedisLockStore

__all__ = ["AtomicRedisLockStore"]
