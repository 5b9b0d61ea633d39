"""gunicorn's settings for the portal (``gunicorn -c deploy/gunicorn.conf.py portal.wsgi``).

gunicorn's own lines (master, worker boots and timeouts) are written with the portal's
formatter (portal/logs.py), so they carry UTC times like every other line; the access log
is nginx's. Command-line options given in the systemd unit override these.
"""
import os

bind = "127.0.0.1:8000"  # loopback: nginx is the only way in
workers = 4  # about two per core
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
errorlog = "-"
accesslog = None

_format = os.environ.get("LOG_FORMAT", "plain")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "portal": {"()": "portal.logs.JsonFormatter"} if _format == "json"
        else {"()": "portal.logs.UtcFormatter", "format": "%(asctime)s %(levelname)s %(name)s [-]: %(message)s"},
    },
    "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "portal", "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": ["error_console"]},  # replaced by settings.LOGGING once Django starts
    "loggers": {
        "gunicorn.error": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
}
