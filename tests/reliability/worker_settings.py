"""Settings of the fault tests' own Celery worker: production settings, retries in seconds not minutes.

The newsletter retries a temporary SMTP error after NEWSLETTER_RETRY_BASE_SECONDS
(60 s by default, doubling); a worker started with
DJANGO_SETTINGS_MODULE=tests.reliability.worker_settings retries after 1 s so a
relay outage can be played out in a test.
"""
from portal.settings import *  # noqa: F401,F403

NEWSLETTER_RETRY_BASE_SECONDS = 1
