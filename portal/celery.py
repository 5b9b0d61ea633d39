"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly, in-process."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="portal.ping")
def ping(value: str = "pong") -> dict:
    """Round-trip check used by the readiness probe and the harness tests."""
    import socket

    return {"value": value, "hostname": socket.gethostname(), "pid": os.getpid()}
