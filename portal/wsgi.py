"""WSGI entry point (gunicorn portal.wsgi)."""
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal.config import ConfigError  # noqa: E402

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ConfigError as exc:
    sys.stderr.write(f"Configuration error: {exc}\n")
    sys.exit(2)
