"""PostgreSQL stopped and started under traffic: clean 503s during the gap, recovery with no app restart.

A real ``gunicorn portal.wsgi`` (DEBUG off, two workers) runs on a PostgreSQL of its
own. Client threads keep requesting pages while the test stops the database twice:
once with a fast shutdown (``pg_ctl stop -m fast``, what a maintenance restart does)
and once as a crash (``-m immediate``). During each gap every database-backed page
must answer a clean 503 page (never a 500, never a traceback, never a dropped
connection); once the database is back the same processes serve 200s again
(health-checked persistent connections). Newsletter sign-ups made through the public
form before and after the gaps are all in the database at the end.
"""
from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from tests.reliability.conftest import is_down, report
from tests.reliability.traffic import PhasedTraffic
from tests.support.app_server import Gunicorn, WebSession, fetch, prepare, production_env

pytestmark = pytest.mark.services

DB_PAGES = ["/", "/cerca/?q=inclusione", "/newsletter/", "/cerca/suggerimenti/?q=inclusione", "/zone/"]
LEAKS = ("Traceback", "OperationalError", "psycopg", "File \"/", "django.db", "connection failed")
CLIENTS = 3
SECURITY_HEADERS = ("strict-transport-security", "x-content-type-options", "referrer-policy", "content-security-policy")


def _unclean(_path: str, status: int, body: str) -> str:
    """The body's start when the answer is not clean (a 500, a traceback, a dropped connection), else ""."""
    leaked = [word for word in LEAKS if word in body]
    clean_503 = status == 503 and "Servizio momentaneamente non disponibile" in body
    return body[:400] if leaked or status not in (200, 503) or (status == 503 and not clean_503) else ""


def _subscribe(session: WebSession, email: str) -> int:
    status, _body = session.submit("/newsletter/", "/newsletter/iscrizione/", {"email": email, "privacy": "on"})
    return status


def _subscribers(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        return {row[0] for row in conn.execute("SELECT email FROM newsletter_subscriber")}


def _production_headers(base: str) -> dict[str, str]:
    """The security headers of a page served by the production settings behind a TLS proxy."""
    import urllib.request

    request = urllib.request.Request(base + "/", headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return {k.lower(): v for k, v in response.headers.items()}


def _wait_until_serving(base: str, timeout: float) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if all(fetch(base + path)[0] == 200 for path in ("/", "/newsletter/")):
            return time.monotonic() - began
        time.sleep(0.2)
    raise AssertionError(f"the site did not serve 200 again within {timeout}s of the database coming back")


def test_database_restarts_under_traffic_give_clean_503_then_recover_without_app_restart(own_postgres, tmp_path):
    env = production_env(tmp_path / "var", DATABASE_URL=own_postgres.url)
    prepare(env)
    server = Gunicorn(env, workers=2, log=tmp_path / "gunicorn.log")
    server.start()
    master, workers = server.master_pid, server.worker_pids()
    session = WebSession(server.base)
    headers = _production_headers(server.base)
    accepted: list[str] = []
    gaps: list[dict] = []
    try:
        for n in range(3):
            email = f"prima{n}@comune.example.it"
            assert _subscribe(session, email) == 302, "sign-up before the fault"
            accepted.append(email)

        with PhasedTraffic(server.base, DB_PAGES, clients=CLIENTS, timeout=20, inspect=_unclean) as traffic:
            traffic.wait_for("before", 15, timeout=60)
            for number, (fault, stop) in enumerate(
                [("pg_ctl stop -m fast", own_postgres.halt), ("pg_ctl stop -m immediate (crash)", own_postgres.kill)]
            ):
                traffic.phase = f"down{number}"
                stop()
                assert is_down(own_postgres), f"PostgreSQL down after {fault}"
                traffic.wait_for(f"down{number}", 20, timeout=60)
                readyz_status, readyz = fetch(server.base + "/readyz")
                form_status = _subscribe(session, f"durante{number}@comune.example.it")
                traffic.phase = f"recovering{number}"
                own_postgres.start()
                recovery = _wait_until_serving(server.base, timeout=30)
                traffic.phase = f"after{number}"
                traffic.wait_for(f"after{number}", 15, timeout=60)
                gaps.append({"fault": fault, "readyz": (readyz_status, readyz), "form": form_status, "recovery": recovery})
            traffic.phase = "end"

        for n in range(3):
            email = f"dopo{n}@comune.example.it"
            assert _subscribe(session, email) == 302, "sign-up after the faults"
            accepted.append(email)

        same_processes = server.master_pid == master and server.worker_pids() == workers and server.process.poll() is None
    finally:
        server.stop()

    answers = traffic.answers
    by_phase = {phase: Counter(a.status for a in answers if a.phase == phase) for phase in {a.phase for a in answers}}
    bad = [a for a in answers if a.note]
    down = [a for a in answers if a.phase.startswith("down")]
    steady = [a for a in answers if a.phase == "before" or a.phase.startswith("after")]
    lost = set(accepted) - _subscribers(own_postgres.url)

    report(
        "PostgreSQL restarted under traffic (gunicorn, 2 workers)",
        faults_injected=len(gaps),
        requests=len(answers),
        statuses_by_phase={k: dict(v) for k, v in sorted(by_phase.items())},
        recovery_seconds=[round(g["recovery"], 2) for g in gaps],
        sign_ups_during_gap=[g["form"] for g in gaps],
        app_restarts=0 if same_processes else "master or workers changed",
        production_headers={name: headers.get(name, "(missing)") for name in SECURITY_HEADERS},
        sign_ups_accepted=len(accepted),
        items_lost=len(lost),
    )
    assert "max-age=" in headers.get("strict-transport-security", "") and "includesubdomains" in headers[
        "strict-transport-security"].lower(), headers
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'self'" in headers.get("content-security-policy", "")
    script_src = headers["content-security-policy"].split("script-src", 1)[1].split(";", 1)[0]
    assert "'unsafe-inline'" not in script_src
    assert re.search(r"'nonce-[A-Za-z0-9+/_=-]{16,}'", script_src), f"CSP script-src with a nonce: {script_src}"
    assert not bad, f"unclean answers (500, traceback, dropped connection): {bad[:5]}"
    assert {a.status for a in steady} == {200}, "before and after the gaps every page answers 200"
    assert down and {a.status for a in down} <= {200, 503}, Counter(a.status for a in down)
    for number in range(len(gaps)):
        assert by_phase[f"down{number}"][503] >= 10, f"gap {number}: the outage must be observed as 503s"
    for gap in gaps:
        assert gap["readyz"][0] == 503 and '"database": "down"' in gap["readyz"][1], gap["readyz"]
        assert gap["form"] == 503, "a sign-up during the gap is refused cleanly (the visitor is told to retry)"
    assert same_processes, "the app recovered by itself: same gunicorn master and workers"
    assert not lost, f"accepted sign-ups missing after the restarts: {sorted(lost)}"
