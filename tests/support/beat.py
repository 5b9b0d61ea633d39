"""A real ``celery beat`` process (django-celery-beat's database scheduler) for the fault tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.worker import _database_url


class CeleryBeat:
    """``celery -A portal beat`` on the test database and a given broker, in its own process group."""

    def __init__(self, root: Path, db_settings: dict, broker_url: str, extra_env: dict | None = None):
        self.root = root
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(db_settings),
            "CELERY_BROKER_URL": broker_url,
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.workdir = Path(tempfile.mkdtemp(prefix="celery-beat-"))
        self.log = self.workdir / "beat.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO",
             "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1",
             "--pidfile", str(self.workdir / "beat.pid")],
            cwd=self.root, env=self.env, start_new_session=True,
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery beat exited:\n{self.log_tail()}")
            if "beat: Starting..." in self.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"celery beat not ready in {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
