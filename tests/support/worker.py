"""Real Celery processes for the tests (a worker, beat), pointed at the test database."""
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


class CeleryProcess:
    """``celery -A portal <command>`` in its own process group, logging to a file, started
    when its log says it is ready. Subclasses name the command and the ready line."""

    name = "celery"
    ready_marker = ""

    def __init__(self, root: Path, db_settings: dict, broker_url: str, extra_env: dict | None = None):
        self.root = root
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(db_settings),
            "CELERY_BROKER_URL": broker_url,
            "PYTHONUNBUFFERED": "1",
            # Readiness and the tests' counts are read from the INFO lines of the log: a LOG_LEVEL
            # of WARNING inherited from a production-like environment (the bench's) hid them.
            "LOG_LEVEL": "INFO",
            **(extra_env or {}),
        }
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{self.name.replace(' ', '-')}-"))
        self.log = self.workdir / "process.log"
        self.process: subprocess.Popen | None = None

    def arguments(self) -> list[str]:
        raise NotImplementedError

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", *self.arguments()],
            cwd=self.root, env=self.env, start_new_session=True,
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            if self.ready_marker in self.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} not ready in {timeout}s:\n{self.log_tail()}")

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


class CeleryWorker(CeleryProcess):
    name = "celery worker"
    ready_marker = " ready."

    def __init__(self, root: Path, db_settings: dict, broker_url: str, smtp_port: int | None = None,
                 node: str | None = None, extra_env: dict | None = None, pool: str = "threads"):
        env = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"} if smtp_port else {}
        super().__init__(root, db_settings, broker_url, {**env, **(extra_env or {})})
        self.node = node or f"test-{os.getpid()}"  # two workers of one test need two names
        # threads start fastest; "prefork" is the pool of deploy/systemd/cdp-worker.service, for the
        # tests whose claim is about how the production worker behaves (reconnecting to its broker)
        self.pool = pool

    def arguments(self) -> list[str]:
        return ["worker", "--loglevel=INFO", "--concurrency=2", f"--pool={self.pool}", "--without-gossip",
                "--without-mingle", "-n", f"{self.node}@%h"]
