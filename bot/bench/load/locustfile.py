"""Locust users for `make bench` and the load test, over the REST channel.

Each locust user plays citizens one after another: a citizen (its own sender id) asks
a few realistic questions back to back, then leaves and the next one arrives — what a
public assistant sees. LOAD_TURNS sets how many questions a citizen asks ("3-12", the
default, draws a number per citizen; "0" keeps one endless conversation per user, the
worst case for a tracker store). LOAD_MODE=parse sends the same questions to the NLU
alone (`POST /model/parse`, no tracker, no policy, no action): the floor a full turn is
compared with. LOAD_NAMED_TURNS="3,40" reports those turns of every citizen under their
own name ("turn 3", "turn 40"), the rest as "rest". Runs in .venv-bench (locust only);
settings come from the environment."""
import json
import os
import random
import uuid

from locust import HttpUser, constant, task
from questions import QUESTIONS  # locust puts the locustfile's folder on sys.path

PREFIX = os.environ.get("LOAD_SENDER_PREFIX", "load")
SENT_LOG = os.environ.get("LOAD_SENT_LOG")
MODE = os.environ.get("LOAD_MODE", "rest")
NAMED_TURNS = {int(turn) for turn in os.environ.get("LOAD_NAMED_TURNS", "").split(",") if turn.strip()}


def conversation_length() -> int:
    """Questions the next citizen asks (0: never leaves)."""
    spec = os.environ.get("LOAD_TURNS", "3-12")
    low, _, high = spec.partition("-")
    return random.randint(int(low), int(high or low))


class Citizen(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.next_citizen()

    def next_citizen(self):
        self.sender = f"{PREFIX}-{uuid.uuid4().hex[:10]}"
        self.sent = 0
        self.asked = 0
        self.turns = conversation_length()

    @task
    def ask(self):
        self.asked += 1
        name = f"turn {self.asked}" if self.asked in NAMED_TURNS else "rest"
        if MODE == "parse":
            request = {"url": "/model/parse", "json": {"text": random.choice(QUESTIONS)}}
        else:
            request = {"url": "/webhooks/rest/webhook",
                       "json": {"sender": self.sender, "message": random.choice(QUESTIONS)}}
        with self.client.post(name=name, catch_response=True, **request) as response:
            try:
                answer = json.loads(response.text)
                ok = response.status_code == 200 and bool(answer.get("intent") if MODE == "parse" else answer)
            except (ValueError, AttributeError):
                ok = False
            if ok:
                self.sent += 1
                response.success()
            else:
                response.failure(f"status {response.status_code}: {response.text[:80]}")
        if self.turns and self.sent >= self.turns:
            self.log_citizen()
            self.next_citizen()

    def log_citizen(self):
        """One line per citizen: sender id and how many messages were answered."""
        if SENT_LOG and self.sent:
            with open(SENT_LOG, "a", encoding="utf-8") as log:
                log.write(f"{self.sender}\t{self.sent}\n")

    def on_stop(self):
        self.log_citizen()
