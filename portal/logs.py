"""How every process of the portal logs: one format, one time zone, a request id, outages summarised.

Web workers, the Celery worker and beat all configure logging from ``settings.LOGGING``
(``build_logging`` below; Celery through its ``setup_logging`` signal in portal/celery.py),
so their lines look alike and carry times in UTC with an explicit ``Z`` whatever
``TIME_ZONE`` is (Django sets the process's local zone to Europe/Rome, Celery and the
services do not: local times would disagree between files).

``LOG_FORMAT=json`` writes one JSON object per line (for a log collector); the default is
plain text. Each line written while a request is served carries its request id: the
incoming ``X-Request-ID`` when the proxy sends one, else a fresh one, echoed in the answer.

An Elasticsearch outage would otherwise write a traceback per attempt (elastic_transport
logs each retry with its exception, and each search and outbox run adds its own warning):
``OutageThrottle`` lets one line per outage kind through per minute, without traceback,
saying how many similar lines it held back.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import threading
import time
import uuid

from django.core.signals import request_finished

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# An incoming id is kept only if it looks like one: a visitor must not write arbitrary text into the logs.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Loggers whose every warning is about Elasticsearch being unreachable (the client library's retries and dead nodes).
OUTAGE_LOGGERS = {"elastic_transport": "elasticsearch"}


class RequestIdMiddleware:
    """Gives each request an id (the proxy's ``X-Request-ID`` if valid) for every log line written meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs a 4xx/5xx after the middleware returned ("Not Found: ...").
        # The end of the request (request_finished, below) clears it.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _clear_request_id(**kwargs) -> None:
    request_id_var.set("-")


request_finished.connect(_clear_request_id, dispatch_uid="portal.logs.clear_request_id")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class OutageThrottle(logging.Filter):
    """One line per outage kind per ``interval`` seconds, with the count of the lines held back.

    A record belongs to an outage when it carries ``outage="<kind>"`` (``extra=``) or comes from
    a logger of ``OUTAGE_LOGGERS`` at WARNING or above. The line let through loses its
    traceback (the exception's one-line text is appended instead).
    """

    def __init__(self, interval: float = 60.0, clock=time.monotonic):
        super().__init__()
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, int]] = {}  # kind -> (when the last line went out, held back since)

    def reset(self) -> None:
        """Forget past outages (a test starting afresh)."""
        with self._lock:
            self._state.clear()

    @staticmethod
    def kind_of(record: logging.LogRecord) -> str | None:
        kind = getattr(record, "outage", None)
        if kind:
            return str(kind)
        if record.levelno >= logging.WARNING:
            for prefix, name in OUTAGE_LOGGERS.items():
                if record.name == prefix or record.name.startswith(prefix + "."):
                    return name
        return None

    def filter(self, record: logging.LogRecord) -> bool:
        kind = self.kind_of(record)
        if kind is None:
            return True
        now = self.clock()
        with self._lock:
            last, held = self._state.get(kind, (None, 0))
            if last is not None and now - last < self.interval:
                self._state[kind] = (last, held + 1)
                return False
            self._state[kind] = (now, 0)
        # The record is shared with other handlers: the formatters below read these and write the summary.
        record.outage_kind, record.outage_suppressed, record.outage_seconds = (
            kind, held, (now - last if last is not None else 0.0))
        return True


def outage_view(record: logging.LogRecord) -> logging.LogRecord:
    """The record as the throttle lets it out: one line, no traceback, with the count held back."""
    kind = getattr(record, "outage_kind", None)
    if kind is None:
        return record
    message = f"{kind} unavailable: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
    if record.outage_suppressed:
        message += f" [{record.outage_suppressed} similar messages suppressed in the last {record.outage_seconds:.0f}s]"
    shadow = logging.makeLogRecord(record.__dict__)
    shadow.msg, shadow.args = message, None
    shadow.exc_info = shadow.exc_text = shadow.stack_info = None
    return shadow


class UtcFormatter(logging.Formatter):
    """Plain lines with ISO 8601 UTC times: ``2026-12-06T01:32:36.123Z INFO name [request id]: message``."""

    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        return super().format(outage_view(record))

    def formatTime(self, record, datefmt=None):
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


class JsonFormatter(UtcFormatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, process, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        record = outage_view(record)
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "process": record.process,
        }
        if getattr(record, "outage_kind", None):
            entry["outage"] = record.outage_kind
            entry["suppressed"] = record.outage_suppressed
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def build_logging(level: str = "INFO", fmt: str = "plain") -> dict:
    """The ``LOGGING`` dict of settings.py for LOG_LEVEL and LOG_FORMAT (``plain`` or ``json``)."""
    if fmt not in {"plain", "json"}:
        from portal.config import ConfigError

        raise ConfigError(f"LOG_FORMAT: expected plain or json, got {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"()": "portal.logs.UtcFormatter", "format": PLAIN_FORMAT},
            "json": {"()": "portal.logs.JsonFormatter"},
        },
        "filters": {
            "request_id": {"()": "portal.logs.RequestIdFilter"},
            "outage": {"()": "portal.logs.OutageThrottle"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["request_id", "outage"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default handlers would write its lines a second time, in another format (DEBUG)
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            "elastic_transport": {"level": "WARNING"},
            "mail.log": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            # Celery's own loggers propagate to the root handler: same format, same zone
            "celery": {"level": level},
        },
    }


def init_error_reporting(dsn: str | None, environment: str, release: str | None = None) -> bool:
    """Send unhandled errors to Sentry when ``SENTRY_DSN`` is set; returns whether it is on.

    No personal data by default (visitors' addresses and cookies stay out); the request id
    goes along as a tag so a report and the log lines of its request can be matched.
    """
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    def tag_request_id(event, hint):
        request_id = request_id_var.get()
        if request_id != "-":
            event.setdefault("tags", {})["request_id"] = request_id
        return event

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration(), LoggingIntegration(event_level=logging.ERROR)],
        before_send=tag_request_id,
    )
    return True
