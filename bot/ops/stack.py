"""Start and stop the whole assistant: the action server and the Rasa server.

    python -m bot.ops.stack run            # what `make run` calls; Ctrl-C stops everything
    python -m bot.ops.stack run --once     # start, print the URLs, wait until ready, stop

`Stack` is also used by `make eval`, `make bench` and tests that need a live server.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# `rasa` with the fixes of bot/server/speedups.py applied; takes the same arguments.
RASA = [str(VENV_BIN / "python"), "-m", "bot.server"]


@dataclass
class Stack:
    rasa_port: int = 5005
    action_port: int = 5055
    model: Path = ROOT / "models" / "assistant.tar.gz"
    tracker_db: Path = ROOT / "build" / "tracker.db"
    knowledge_db: Path = ROOT / "build" / "knowledge.db"
    log_dir: Path = ROOT / "build" / "logs"
    credentials: Path = ROOT / "credentials.yml"
    endpoints: Path = ROOT / "endpoints.yml"
    # The Rasa server's command; `make bench` also runs stock `rasa` ([VENV_BIN / "rasa"]).
    rasa_command: list = field(default_factory=lambda: list(RASA))
    # Protects Rasa's HTTP API (trackers, injected events); None: no token (tests).
    auth_token: str | None = None
    extra_env: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)

    @property
    def rest_url(self) -> str:
        return f"http://localhost:{self.rasa_port}/webhooks/rest/webhook"

    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            # An IP address, not "localhost": Rasa opens a new HTTP session per action
            # call, and aiohttp would resolve the name in a thread every time.
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRACKER_DB": str(self.tracker_db),
            "KNOWLEDGE_DB": str(self.knowledge_db),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(ROOT),
        })
        env.update(self.extra_env)
        return env

    def check_prerequisites(self) -> None:
        """Stop early, naming the fix, when something the servers need is missing."""
        from knowledge import store

        if not self.model.exists():
            raise SystemExit(f"没有找到训练好的模型 {self.model}：请先运行 `make train`。")
        try:
            conn = store.connect(path=self.knowledge_db)
            conn.execute("SELECT count(*) FROM clauses").fetchone()
            conn.close()
        except Exception as err:
            raise SystemExit(f"知识库不可用（{self.knowledge_db}: {err}）：请运行 `make knowledge` 重新构建。")

    def _spawn(self, name: str, args: list[str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        # Own process group: Ctrl-C / stop() reaches the server and its workers.
        self.processes[name] = subprocess.Popen(args, cwd=ROOT, env=self.env(), stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def start_actions(self) -> None:
        self._spawn("actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                "--port", str(self.action_port)])

    def start_rasa(self) -> None:
        self.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        args = [*self.rasa_command, "run", "--enable-api", "--cors", "*",
                "--port", str(self.rasa_port), "--model", str(self.model),
                "--endpoints", str(self.endpoints), "--credentials", str(self.credentials)]
        if self.auth_token:
            args += ["--auth-token", self.auth_token]
        self._spawn("rasa", args)

    def start(self, *, timeout: float = 120.0) -> float:
        """Start both servers; return seconds until both answer."""
        self.check_prerequisites()
        started = time.perf_counter()
        self.start_actions()
        self.start_rasa()
        self.wait_ready(timeout=timeout)
        return time.perf_counter() - started

    def wait_ready(self, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} server exited (code {process.returncode}); "
                                       f"see {self.log_dir / (name + '.log')}")
            if self.rasa_ready() and self.actions_ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"servers not ready after {timeout:.0f} s; see {self.log_dir}")

    def rasa_ready(self) -> bool:
        try:
            query = f"?token={self.auth_token}" if self.auth_token else ""
            with urllib.request.urlopen(f"http://localhost:{self.rasa_port}/status{query}", timeout=2) as response:
                return bool(json.load(response).get("model_file"))
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def actions_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://localhost:{self.action_port}/health", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def send(url: str, sender: str, message: str, *, metadata: dict | None = None, timeout: float = 30) -> list[dict]:
    """One message through Rasa's REST channel; the bot's replies."""
    body = json.dumps({"sender": sender, "message": message, "metadata": metadata or {}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--once", action="store_true", help="stop as soon as everything is ready")
    parser.add_argument("--web-port", type=int, default=8080, help="port of the web chat page (0: none)")
    args = parser.parse_args(argv)
    import secrets

    stack = Stack(auth_token=os.environ.get("RASA_AUTH_TOKEN") or secrets.token_urlsafe(24))
    web = None

    def terminate(signum, frame):   # `kill` or a closing terminal: stop the servers too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    try:
        seconds = stack.start()
        if args.web_port:
            from bot.web import serve

            web = serve.serve_in_thread(host="0.0.0.0", port=args.web_port, rasa_port=stack.rasa_port, quiet=True)
        print(f"Ready in {seconds:.1f} s")
        if web is not None:
            print(f"  Web chat: http://localhost:{args.web_port}/")
        print(f"  REST:     {stack.rest_url}")
        print(f"  WeChat:   http://localhost:{stack.rasa_port}/webhooks/wechat/webhook"
              + ("" if os.environ.get("WECHAT_TOKEN") else "  (set WECHAT_TOKEN to enable)"))
        print(f"  Actions:  http://localhost:{stack.action_port}/health")
        print(f"  Logs:     {stack.log_dir}")
        if args.once:
            return 0
        print("Ctrl-C stops everything.")
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(0.5)
        print("A server exited; stopping the others. See the logs.")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if web is not None:
            web.shutdown()
            web.server_close()
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
