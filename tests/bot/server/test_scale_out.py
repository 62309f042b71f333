"""Two Rasa servers sharing one PostgreSQL tracker store and one Redis lock store
(endpoints.multi.yml, docs/multi-server.md), with one action server.

The test starts throwaway PostgreSQL and Redis instances (Debian's `postgresql` and
`redis-server` packages, installed by .ci/run) on free loopback ports in temporary
directories and removes them afterwards. It is skipped only when those packages are not
installed.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import glob
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.ops.stack import RASA, ROOT, Stack, send
from tests.conftest import free_ports

PG_USER, PG_PASSWORD, PG_DB = "rasa", "multi-server-test", "rasa_tracker"


def _newest(pattern: str) -> str | None:
    found = sorted(glob.glob(pattern), key=lambda p: [int(x) if x.isdigit() else x
                                                       for x in p.split("/")])
    return found[-1] if found else None


PG_BIN = os.path.dirname(_newest("/usr/lib/postgresql/*/bin/initdb") or "") or None
REDIS_SERVER = shutil.which("redis-server") or (os.path.exists("/usr/bin/redis-server") and "/usr/bin/redis-server")

needs_servers = pytest.mark.skipif(
    not (PG_BIN and REDIS_SERVER),
    reason="Debian's PostgreSQL and Redis are not installed "
           f"(initdb: {PG_BIN or 'missing'}, redis-server: {REDIS_SERVER or 'missing'}); "
           "`apt-get install postgresql redis-server` (.ci/run does this)")


def wait_for(what: str, check, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s\n{tail}")


# ------------------------------------------------------------------ PostgreSQL and Redis

@dataclass
class Postgres:
    """A throwaway cluster: initdb + pg_ctl, loopback only, password authentication.
    PostgreSQL refuses to run as root, so as root it runs as the `postgres` user."""
    dir: Path
    port: int

    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run(self._as_owner() + list(args), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:   # Debian's package creates it; make sure anyway
                subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                                "--shell", "/usr/sbin/nologin", "postgres"], check=True)
            shutil.chown(self.dir, "postgres", "postgres")
        password_file = self.dir / "password"
        password_file.write_text(PG_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(password_file, "postgres", "postgres")
        self._run(f"{PG_BIN}/initdb", "-D", str(self.dir / "data"), "-U", PG_USER, "--pwfile", str(password_file),
                  "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(f"{PG_BIN}/pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "postgres.log"),
                  "-o", options, "-w", "-t", "60", "start")
        with self.connect("postgres") as conn:
            conn.cursor().execute(f"CREATE DATABASE {PG_DB}")

    @contextlib.contextmanager
    def connect(self, db: str = PG_DB):
        """An autocommit connection, closed afterwards."""
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=PG_USER, password=PG_PASSWORD, dbname=db)
        conn.autocommit = True
        try:
            yield conn
        finally:
            conn.close()

    def stop(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            subprocess.run(self._as_owner() + [f"{PG_BIN}/pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate",
                                               "-w", "-t", "30", "stop"], capture_output=True, timeout=60)


@dataclass
class Redis:
    dir: Path
    port: int
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.dir / "redis.log", "wb") as log:
            self.process = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--daemonize", "no", "--dir", str(self.dir)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for("redis-server", lambda: self.client().ping(), 20, self.dir / "redis.log")

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


# ------------------------------------------------------------------ the servers

@dataclass
class MultiServerStack(Stack):
    """A Stack whose Rasa server reads another endpoints file."""
    endpoints: str = "endpoints.multi.yml"

    def start_rasa(self) -> None:
        args = [*RASA, "run", "--enable-api", "--port", str(self.rasa_port),
                "--model", str(self.model), "--endpoints", self.endpoints, "--credentials", str(self.credentials)]
        self._spawn("rasa", args)


@dataclass
class Cluster:
    postgres: Postgres
    redis: Redis
    a: MultiServerStack
    b: MultiServerStack
    env: dict


@pytest.fixture(scope="module")
def cluster(live_stack):
    if not (PG_BIN and REDIS_SERVER):
        pytest.skip(needs_servers.kwargs["reason"])
    # Not under pytest's tmp dir: that one is private to root, the postgres user must get in.
    base = Path(tempfile.mkdtemp(prefix="rasa-multi-"))
    os.chmod(base, 0o755)
    (base / "pg").mkdir()
    (base / "redis").mkdir()
    pg_port, redis_port = free_ports(2)
    postgres, redis = Postgres(base / "pg", pg_port), Redis(base / "redis", redis_port)
    env = {"TRACKER_PG_HOST": "127.0.0.1", "TRACKER_PG_PORT": str(postgres.port), "TRACKER_PG_DB": PG_DB,
           "TRACKER_PG_USER": PG_USER, "TRACKER_PG_PASSWORD": PG_PASSWORD,
           "LOCK_REDIS_HOST": "127.0.0.1", "LOCK_REDIS_PORT": str(redis.port)}
    # Two Rasa servers on free ports sharing A's action server (B never starts its own).
    a = live_stack("multi-a", stack_class=MultiServerStack, start=False, extra_env=env)
    b = live_stack("multi-b", stack_class=MultiServerStack, start=False, action_port=a.action_port,
                   extra_env=env)
    try:
        postgres.start()
        redis.start()
        a.check_prerequisites()
        a.start_actions()
        a.start_rasa()
        b.start_rasa()
        a.wait_ready(timeout=120)
        b.wait_ready(timeout=60)
        yield Cluster(postgres, redis, a, b, env)
    finally:
        for stack in (b, a):
            stack.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(base, ignore_errors=True)


def text_of(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def stored_events(cluster: Cluster, sender: str) -> list[tuple[int, str, float, dict]]:
    """The sender's rows, straight from PostgreSQL, in id order (Rasa's order)."""
    with cluster.postgres.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, type_name, timestamp, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [(i, t, ts, json.loads(d)) for i, t, ts, d in cur.fetchall()]


def assert_well_ordered(rows: list[tuple[int, str, float, dict]], questions: list[str]) -> None:
    """Every question stored once; events in time order; each turn complete before the
    next user message (user → … → bot answer → action_listen)."""
    users = [data.get("text") for _, type_name, _, data in rows if type_name == "user"]
    assert sorted(users) == sorted(questions), users
    timestamps = [ts for _, _, ts, _ in rows]
    assert timestamps == sorted(timestamps), "events stored out of time order"
    assert 1 == sum(t == "session_started" for _, t, _, _ in rows), "session started more than once"
    turn: list[dict] = []
    for _, type_name, _, data in rows:
        if type_name == "user":
            if turn and turn[0]["event"] == "user":   # the previous turn must have been finished
                assert turn[-1].get("name") == "action_listen", [e.get("event") + ":" + str(e.get("name")) for e in turn]
                assert any(e["event"] == "bot" for e in turn), turn
            turn = []
        turn.append(data)
    assert turn[-1].get("name") == "action_listen" and any(e["event"] == "bot" for e in turn)


# ------------------------------------------------------------------ tests

def test_endpoints_multi_yml_resolves_to_postgres_and_redis(monkeypatch):
    """The file Rasa reads, with its ${VAR}s substituted (unquoted: quoted ones are not)."""
    from rasa.core.utils import read_endpoints_from_path

    env = {"ACTION_ENDPOINT_URL": "http://actions:5055/webhook", "TRACKER_PG_HOST": "db.internal",
           "TRACKER_PG_PORT": "5433", "TRACKER_PG_DB": "tracker", "TRACKER_PG_USER": "rasa",
           "TRACKER_PG_PASSWORD": "s3cret", "LOCK_REDIS_HOST": "redis.internal", "LOCK_REDIS_PORT": "6380"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(ROOT / "endpoints.multi.yml")
    assert endpoints.action.url == "http://actions:5055/webhook"
    store = endpoints.tracker_store
    assert (store.type, store.url) == ("bot.server.tracker_store.FastSQLTrackerStore", "db.internal")
    assert {"dialect": "postgresql", "port": "5433", "db": "tracker", "username": "rasa",
            "password": "s3cret"}.items() <= store.kwargs.items()
    lock = endpoints.lock_store
    assert (lock.url, lock.kwargs["port"]) == ("redis.internal", "6380")
    # Rasa's `redis` type or a RedisLockStore subclass named by module path.
    from rasa.core.lock_store import RedisLockStore
    from rasa.shared.utils.common import class_from_module_path

    assert lock.type == "redis" or issubclass(class_from_module_path(lock.type), RedisLockStore), lock.type


@needs_servers
def test_conversation_alternating_between_servers_stays_consistent(cluster):
    a, b = cluster.a.rest_url, cluster.b.rest_url
    sender = "multi-alternating"
    asked = text_of(send(a, sender, "护理假几天"))
    assert "哪个地区" in asked and "25" not in asked, asked    # A asks for the place
    answered = text_of(send(b, sender, "包头"))                 # B resumes A's question
    assert "包头市男方可享受护理假25天" in answered, answered
    parental = text_of(send(a, sender, "育儿假呢"))              # A remembers the place given to B
    assert "包头市" in parental and "育儿假10天" in parental, parental
    assert_well_ordered(stored_events(cluster, sender), ["护理假几天", "包头", "育儿假呢"])


QUESTIONS = ["包头生三孩产假多少天", "包头护理假几天", "包头育儿假几天", "包头婚假几天",
             "包头头胎产假几天", "包头生二孩产假多少天"]


@needs_servers
def test_concurrent_messages_for_one_sender_on_both_servers(cluster):
    """Sent at the same moment, alternately to A and B: the Redis lock serialises them, so
    PostgreSQL holds every message exactly once, each turn whole and in order. Three
    rounds: a lock that two servers can both take at once loses a message in about half
    of them (see docs/multi-server.md, "Lock store")."""
    redis = cluster.redis.client()
    sets_before = redis.info("commandstats").get("cmdstat_set", {}).get("calls", 0)
    for round_ in range(3):
        sender = f"multi-concurrent-{round_}"
        start = threading.Barrier(len(QUESTIONS))

        def ask(i: int, question: str) -> str:
            url = (cluster.a if i % 2 == 0 else cluster.b).rest_url
            start.wait()
            return text_of(send(url, sender, question, timeout=60))

        with concurrent.futures.ThreadPoolExecutor(len(QUESTIONS)) as pool:
            answers = list(pool.map(ask, range(len(QUESTIONS)), QUESTIONS))
        assert all(answers), answers
        assert "188" in answers[0] and "25" in answers[1] and "10" in answers[2], answers

        rows = stored_events(cluster, sender)
        stored = [data.get("text") for _, type_name, _, data in rows if type_name == "user"]
        assert sorted(stored) == sorted(QUESTIONS), (
            f"round {round_}: every message was answered, but the tracker holds {stored}: two servers "
            "handled this conversation at the same time (the lock store let both take the lock)")
        assert_well_ordered(rows, QUESTIONS)
        assert not redis.keys(f"*{sender}*"), "lock left behind"
    # The lock store in use was Redis: tickets were written there.
    assert redis.info("commandstats").get("cmdstat_set", {}).get("calls", 0) > sets_before


@needs_servers
def test_retention_on_the_postgres_store(cluster):
    """bot.ops.retention with endpoints.multi.yml: recent conversations stay, aged ones go."""
    sender = "multi-retention"
    assert "188" in text_of(send(cluster.a.rest_url, sender, "包头生三孩产假多少天"))
    env = {**os.environ, **cluster.env}
    env.pop("ACTION_ENDPOINT_URL", None)   # retention needs only the tracker store's variables

    def retention(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "bot.ops.retention", "--endpoints", "endpoints.multi.yml", *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "Removed 0 tracker events older than 180 days" in retention("--days", "180")
    with cluster.postgres.connect() as conn, conn.cursor() as cur:
        cur.execute("UPDATE events SET timestamp = timestamp - 400 * 86400 WHERE sender_id = %s", (sender,))
        cur.execute("SELECT count(*) FROM events WHERE sender_id = %s", (sender,))
        aged = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM events WHERE sender_id <> %s", (sender,))
        others = cur.fetchone()[0]
    out = retention("--days", "180")
    assert f"Removed {aged} tracker events" in out and "1 conversations entirely" in out, out
    assert [] == stored_events(cluster, sender)
    with cluster.postgres.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM events")
        assert others == cur.fetchone()[0]
