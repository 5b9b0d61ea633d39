"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly, in-process."""
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _log_like_the_web_workers(**kwargs):
    """Worker and beat use settings.LOGGING (portal/logs.py), not Celery's own format in local time."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@app.task(name="portal.ping")
def ping(value: str = "pong") -> dict:
    """Round-trip check used by the readiness probe and the harness tests."""
    import socket

    return {"value": value, "hostname": socket.gethostname(), "pid": os.getpid()}
