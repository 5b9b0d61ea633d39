"""Redis (cache and broker) stopped under traffic: the site keeps serving, uncached.

A real ``gunicorn portal.wsgi`` (DEBUG off, two workers, the page cache on) uses a
redis-server of this test's own as its cache (``CACHE_URL``) and its broker
(``CELERY_BROKER_URL``); the database is SQLite in a private var/ dir. Client threads
request public pages while the test kills that Redis (SIGKILL, as a crash), and during
the outage:

- every public page answers 200 (never a 5xx): the cache is an accelerator;
- a visitor logs in (allauth's rate limit counts in the cache: it lets the login through);
- a member logged in before the outage stays logged in (sessions live in the database);
- an editor publishes the home page in the Wagtail admin: the publish succeeds (the tasks
  it queues after commit cannot reach the broker; the search outbox, tested with
  Elasticsearch in test_broker_outage.py, keeps that work);
- ``/readyz`` answers 200 and names the cache and the broker "down".

Redis is then started again (same port, empty) and the same processes use it again.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest

from tests.reliability.conftest import report
from tests.reliability.traffic import PhasedTraffic
from tests.support.app_server import Gunicorn, fetch, login, manage, prepare, production_env, publish_through_admin

pytestmark = pytest.mark.services

PUBLIC_PAGES = ["/", "/zone/", "/zone/val-di-nievole/", "/cerca/?q=inclusione", "/newsletter/", "/account/login/"]
CLIENTS = 3
ADMIN_EMAIL = "redattrice@comune.example.it"
ADMIN_PASSWORD = "Inclusione-Toscana-2025!"


def _shell(env: dict, code: str) -> str:
    return manage(env, "shell", "-v0", "-c", code).stdout.strip()


def test_redis_outage_serves_pages_logins_and_publishing(own_redis, tmp_path):
    cache_url = own_redis.url.rsplit("/", 1)[0] + "/1"
    env = production_env(tmp_path / "var", CACHE_URL=cache_url, CELERY_BROKER_URL=own_redis.url,
                         ADMIN_EMAIL=ADMIN_EMAIL, ADMIN_PASSWORD=ADMIN_PASSWORD)
    prepare(env)
    manage(env, "ensure_admin")
    home_id = int(_shell(env, "from wagtail.models import Site; print(Site.objects.get(is_default_site=True).root_page_id)"))
    server = Gunicorn(env, workers=2, log=tmp_path / "gunicorn.log")
    server.start()
    figures: dict = {}
    try:
        before_status, member = login(server.base, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert before_status == 302, "login with Redis up"
        assert member.request("/account/profilo/")[0] == 200
        readyz_up = fetch(server.base + "/readyz")

        with PhasedTraffic(server.base, PUBLIC_PAGES, clients=CLIENTS) as traffic:
            traffic.wait_for("before", 30, timeout=120)

            traffic.phase = "down"
            own_redis.kill()
            traffic.wait_for("down", 30, timeout=120)
            readyz_down = fetch(server.base + "/readyz")
            login_down, editor = login(server.base, ADMIN_EMAIL, ADMIN_PASSWORD)
            member_down = member.request("/account/profilo/")[0]
            publish_down, publish_seconds = publish_through_admin(editor, home_id, "Home pubblicata senza Redis")
            live_title = _shell(env, f"from wagtail.models import Page; print(Page.objects.get(pk={home_id}).title)")
            traffic.wait_for("down", 60, timeout=120)

            traffic.phase = "recovering"
            own_redis.start()
            deadline = time.monotonic() + 30
            while fetch(server.base + "/readyz")[1].count('"ok"') < 4 and time.monotonic() < deadline:
                time.sleep(0.5)  # the breaker tries Redis again after a few seconds
            readyz_back = fetch(server.base + "/readyz")
            traffic.phase = "after"
            traffic.wait_for("after", 30, timeout=120)
            traffic.phase = "end"
        login_after, _ = login(server.base, ADMIN_EMAIL, ADMIN_PASSWORD)
    finally:
        server.stop()

    answers = [a for a in traffic.answers if a.phase in ("before", "down", "after")]
    by_phase = {p: dict(Counter(a.status for a in answers if a.phase == p)) for p in ("before", "down", "after")}
    slowest = {p: round(max((a.seconds for a in answers if a.phase == p), default=0), 2) for p in by_phase}
    server_errors = [a for a in answers if a.status >= 500 or a.status == 0]
    figures.update(
        requests=len(answers),
        statuses_by_phase=by_phase,
        slowest_seconds_by_phase=slowest,
        public_5xx=len(server_errors),
        login_during_outage=login_down,
        member_session_during_outage=member_down,
        admin_publish_during_outage=f"{publish_down} in {publish_seconds:.2f}s",
        readyz_during=readyz_down[1],
        readyz_after=readyz_back[1],
    )
    report("Redis (cache + broker) killed under traffic (gunicorn, 2 workers, page cache on)", faults_injected=1, **figures)

    assert readyz_up[0] == 200 and '"cache": "ok"' in readyz_up[1], readyz_up
    assert not server_errors, f"5xx or dropped connections on public pages: {server_errors[:5]}"
    assert by_phase["down"].get(200, 0) >= 30, "pages were served during the outage"
    assert login_down == 302, "login works without the cache (rate limit degrades)"
    assert member_down == 200, "a session opened before the outage survives it (sessions in the database)"
    assert publish_down == 302 and live_title == "Home pubblicata senza Redis", "publishing works without Redis"
    assert readyz_down[0] == 200 and '"cache": "down"' in readyz_down[1] and '"broker": "down"' in readyz_down[1]
    assert '"cache": "ok"' in readyz_back[1] and '"broker": "ok"' in readyz_back[1], readyz_back
    assert login_after == 302
