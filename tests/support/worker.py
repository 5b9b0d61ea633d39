"""A real Celery worker process for the tests, pointed at the test database."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _database_url(db: dict) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    if "sqlite" in engine:
        return f"sqlite:///{db['NAME']}"
    raise RuntimeError(f"no URL form for {engine}")


class CeleryWorker:
    def __init__(self, root: Path, db_settings: dict, broker_url: str, smtp_port: int | None = None):
        self.root = root
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(db_settings),
            "CELERY_BROKER_URL": broker_url,
            "PYTHONUNBUFFERED": "1",
        }
        if smtp_port:
            self.env["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
        self.log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO",
             "--concurrency=2", "--pool=threads", "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h"],
            cwd=self.root, env=self.env, start_new_session=True,
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log_tail()}")
            if " ready." in self.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"celery worker not ready in {timeout}s:\n{self.log_tail()}")

    def kill(self) -> None:
        """Kill -9, as a crash would (for fault tests)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
