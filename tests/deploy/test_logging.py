"""Observability: structured logs with a request id, one time zone everywhere, outages summarised, Sentry.

The JSON and Sentry cases run the settings as production does, in a subprocess with its
environment (LOG_FORMAT, SENTRY_DSN); the outage case drives the real Elasticsearch client
against a closed port through the console handler the settings configured.
"""
from __future__ import annotations

import gzip
import io
import json
import logging
import re
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from portal.logs import OutageThrottle
from tests.harness.service import free_port
from tests.support.app_server import production_env
from tests.support.worker import _database_url

ROOT = Path(__file__).resolve().parents[2]
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _age_seconds(stamp: str) -> float:
    assert UTC_TIME.match(stamp), stamp
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return abs((datetime.now(timezone.utc) - moment).total_seconds())


def run_django(script: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """``script`` after django.setup(), in a process of its own with ``env`` (settings read at start)."""
    prelude = "import os, django\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings')\ndjango.setup()\n"
    return subprocess.run([sys.executable, "-c", prelude + script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _database_env() -> str:
    from django.db import connection

    return _database_url(connection.settings_dict)


REQUESTS = """
from django.test import Client
client = Client()
first = client.get("/pagina-che-non-esiste/", HTTP_X_REQUEST_ID="lb-7f3a-0001")
second = client.get("/altra-pagina-che-non-esiste/")
print(first.status_code, first["X-Request-ID"], second.status_code, second["X-Request-ID"])
"""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_json_log_lines_carry_the_request_id_and_utc_time(tmp_path):
    env = production_env(tmp_path / "var", DATABASE_URL=_database_env(), LOG_FORMAT="json",
                         ALLOWED_HOSTS="testserver", LOG_LEVEL="INFO",
                         DEBUG="true")  # the 404 page then needs no collected static files
    result = run_django(REQUESTS, env)
    assert result.returncode == 0, result.stderr[-3000:]
    first_status, incoming, second_status, generated = result.stdout.split()
    assert (first_status, second_status) == ("404", "404")
    assert incoming == "lb-7f3a-0001", "the proxy's X-Request-ID is kept and echoed"
    assert re.fullmatch(r"[0-9a-f]{32}", generated), "without one, a fresh id"

    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    not_found = {entry["message"]: entry for entry in lines if entry["message"].startswith("Not Found")}
    print(json.dumps(list(not_found.values()), indent=1))
    assert not_found["Not Found: /pagina-che-non-esiste/"]["request_id"] == incoming
    assert not_found["Not Found: /altra-pagina-che-non-esiste/"]["request_id"] == generated
    assert all(entry["level"] == "WARNING" and entry["logger"] == "django.request" for entry in not_found.values())
    assert all(_age_seconds(entry["time"]) < 120 for entry in lines), "UTC, whatever TIME_ZONE says"
    assert len(lines) == len([line for line in result.stderr.splitlines() if line.strip()]), "every line is JSON"


@pytest.mark.services
def test_celery_worker_logs_with_the_same_format_and_utc_times(celery_worker):
    stamps = []
    for line in celery_worker.log.read_text(errors="replace").splitlines():
        if line[:4].isdigit():
            stamps.append(line.split(" ", 1)[0])
    ready = [line for line in celery_worker.log.read_text().splitlines() if " ready." in line]
    print(ready)
    assert ready and re.match(r"^\S+Z INFO celery\.\S+ \[-\]: ", ready[0]), "Celery's lines are the portal's"
    assert stamps and all(UTC_TIME.match(stamp) for stamp in stamps)
    assert _age_seconds(stamps[-1]) < 3600, "UTC like the web workers, not the local zone"


class _Counter(logging.Handler):
    """Counts every record that reaches the root logger, before any throttling."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = 0

    def emit(self, record):
        if OutageThrottle.kind_of(record) == "elasticsearch":
            self.records += 1


@pytest.fixture
def console_of_the_settings():
    """The console handler settings.LOGGING installed, writing to a buffer, its throttle on a test clock."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, OutageThrottle) for f in h.filters))
    throttle = next(f for f in handler.filters if isinstance(f, OutageThrottle))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    clock = {"now": 1000.0}
    saved_clock, throttle.clock = throttle.clock, (lambda: clock["now"])
    throttle.reset()
    counter = _Counter()
    logging.getLogger().addHandler(counter)
    yield buffer, clock, counter, throttle
    logging.getLogger().removeHandler(counter)
    handler.setStream(previous)
    throttle.clock = saved_clock
    throttle.reset()


def test_elasticsearch_outage_logs_one_warning_a_minute_with_the_count(console_of_the_settings, settings):
    from search.engine import client as search_client

    buffer, clock, counter, throttle = console_of_the_settings
    settings.ELASTICSEARCH_URLS = [f"http://127.0.0.1:{free_port()}"]  # nothing listens: every attempt fails
    search_client.reset()
    attempts = 30
    failures = 0
    for _ in range(attempts):
        try:
            search_client.get_client().search(index="cdp-probe", query={"match_all": {}})
        except Exception:
            failures += 1
        clock["now"] += 1  # thirty attempts in thirty seconds
    first_minute = buffer.getvalue().splitlines()
    records_first_minute = counter.records

    clock["now"] += throttle.interval
    try:
        search_client.get_client().search(index="cdp-probe", query={"match_all": {}})
    except Exception:
        failures += 1
    lines = buffer.getvalue().splitlines()
    print(f"{attempts + 1} failing attempts, {counter.records} outage records, {len(lines)} lines written:")
    print("\n".join(lines))
    search_client.reset()

    assert failures == attempts + 1
    assert records_first_minute >= attempts, "every attempt logged at least once before the throttle"
    assert len(first_minute) == 1, "one line for the first minute"
    assert "elasticsearch unavailable" in first_minute[0] and "Traceback" not in buffer.getvalue()
    assert len(lines) == 2, "and one more once the minute has passed"
    held = records_first_minute - 1
    assert f"[{held} similar messages suppressed in the last" in lines[1], lines[1]


class _SentryInbox(BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


FAILING_REQUEST = """
import sentry_sdk
from django.test import Client
response = Client(raise_request_exception=False).get("/", HTTP_X_REQUEST_ID="lb-sentry-0002")
sentry_sdk.flush(timeout=10)
print(response.status_code)
"""


def test_sentry_receives_unhandled_errors_with_the_request_id_when_sentry_dsn_is_set(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentryInbox)
    _SentryInbox.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        closed = free_port()  # the database is down: the page fails with an unhandled OperationalError
        env = production_env(tmp_path / "var", DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/none",
                             ALLOWED_HOSTS="testserver", DEBUG="true", SENTRY_DSN=f"http://public@127.0.0.1:{server.server_port}/1")
        result = run_django(FAILING_REQUEST, env)
        without = run_django("from django.conf import settings\nimport sentry_sdk\n"
                             "print(settings.SENTRY_DSN, sentry_sdk.get_client().is_active())",
                             {**env, "SENTRY_DSN": ""})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-1] == "500"
    events = [part for body in _SentryInbox.envelopes for part in body.split(b"\n") if b'"exception"' in part]
    print(f"{len(_SentryInbox.envelopes)} envelopes, {len(events)} error events")
    assert events, "the unhandled error reached Sentry"
    event = json.loads(events[0])
    assert event["tags"]["request_id"] == "lb-sentry-0002"
    assert "OperationalError" in json.dumps(event["exception"])
    assert without.stdout.split() == ["None", "False"], "no SENTRY_DSN: no error reporting"
