"""The Django project of the portal; the Celery app is loaded with it."""
from portal.celery import app as celery_app

__all__ = ["celery_app"]
