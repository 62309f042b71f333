"""Locust users for `make bench` and the load test: each user is one citizen (its own
sender id) asking realistic questions over the REST channel, back to back.
Runs in .venv-bench (locust only); settings come from the environment."""
import json
import os
import random
import uuid

from locust import HttpUser, constant, task

QUESTIONS = [
    "包头生三孩产假多少天", "护理假几天", "育儿补贴怎么申请", "昆区哪有普惠托育", "呼和浩特育儿假",
    "个税能扣多少", "出生一件事怎么办", "通化产假多少天", "中宁公积金有啥政策", "你好", "谢谢",
    "育儿补贴一年多少钱", "北京产假多少天", "包头和通化产假哪个长",
]
PREFIX = os.environ.get("LOAD_SENDER_PREFIX", "load")
SENT_LOG = os.environ.get("LOAD_SENT_LOG")


class Citizen(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.sender = f"{PREFIX}-{uuid.uuid4().hex[:10]}"
        self.sent = 0

    @task
    def ask(self):
        with self.client.post("/webhooks/rest/webhook", name="rest",
                              json={"sender": self.sender, "message": random.choice(QUESTIONS)},
                              catch_response=True) as response:
            try:
                ok = response.status_code == 200 and bool(json.loads(response.text))
            except ValueError:
                ok = False
            if ok:
                self.sent += 1
                response.success()
            else:
                response.failure(f"status {response.status_code}: {response.text[:80]}")

    def on_stop(self):
        if SENT_LOG:
            with open(SENT_LOG, "a", encoding="utf-8") as log:
                log.write(f"{self.sender}\t{self.sent}\n")
