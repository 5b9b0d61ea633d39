"""A real ``celery beat`` process (django-celery-beat's database scheduler) for the fault tests."""
from __future__ import annotations

from tests.support.worker import CeleryProcess


class CeleryBeat(CeleryProcess):
    """``celery -A portal beat`` on the test database and a given broker."""

    name = "celery beat"
    ready_marker = "beat: Starting..."

    def arguments(self) -> list[str]:
        return ["beat", "--loglevel=INFO", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
                "--max-interval", "1", "--pidfile", str(self.workdir / "beat.pid")]
