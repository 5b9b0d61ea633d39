"""Two web hosts behind the kit's nginx: one portal, whichever host answers.

Two ``gunicorn portal.wsgi`` processes (each with its own var/ dir, as two machines would
have) share PostgreSQL, Redis (cache, rate limits, the page cache's content version) and one
MEDIA_ROOT (the volume both mount). The deploy kit's nginx is rendered with both as its
upstream. The test talks to each host directly, as nginx would (same Host name, the client's
address in X-Forwarded-For), so it knows which host answered:

- a login made on host A is a login on host B (sessions in the database, one SECRET_KEY);
- a CSRF-protected form served by A is accepted by B;
- the newsletter's per-address rate limit counts the posts made to both hosts together;
- a page published through A's admin is fresh on B at once, although B had it in its page
  cache (the content version in Redis is part of every key);
- a document uploaded through A's admin is downloaded from B, byte for byte;
- with host A stopped, nginx sends every request to B: no failed request.
"""
from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.harness.service import tail
from tests.support.app_server import Gunicorn, WebSession, login, manage, prepare, production_env, publish_through_admin
from tests.support.figures import report
from tests.support.nginx import free_ports, nginx_in_front
from tests.support.worker import _database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

EDITOR_EMAIL = "redazione-due-host@regione.example.it"
EDITOR_PASSWORD = "Due-Host-Inclusione-2026!"
PUBLIC_NAME = "localhost"
DOCUMENT = b"%PDF-1.4\n% verbale del tavolo di zona, caricato su un host e scaricato dall'altro\n" + b"1" * 2048


def _get(base: str, path: str, forwarded_for: str = "192.0.2.10") -> tuple[int, dict[str, str], str]:
    """An anonymous visitor's GET as nginx forwards it: the public name, https, the client's address."""
    request = urllib.request.Request(base + path, headers={
        "Host": PUBLIC_NAME, "X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded_for})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode("utf-8", "replace")


def _subscribe_without_consent(session: WebSession, token: str, address: str) -> int:
    """A newsletter post without the privacy consent: refused (400) but counted by the per-address limit."""
    status, _ = session.request("/newsletter/iscrizione/", {
        "email": f"visitatore-{random.randrange(10**9)}@example.org", "csrfmiddlewaretoken": token},
        headers={"X-Forwarded-For": address})
    return status


@pytest.fixture
def two_hosts(settings):
    from django.db import connection

    workdir = Path(tempfile.mkdtemp(prefix="cdp-two-hosts-"))
    os.chmod(workdir, 0o755)
    media = workdir / "shared-media"
    ports = free_ports()
    common = dict(
        DATABASE_URL=_database_url(connection.settings_dict), CACHE_URL=os.environ.get("CACHE_URL"),
        MEDIA_ROOT=str(media), ALLOWED_HOSTS=PUBLIC_NAME, TRUSTED_PROXY_COUNT="1", PUBLIC_BASE_URL="https://localhost",
        CSRF_TRUSTED_ORIGINS=f"https://localhost,https://localhost:{ports[1]}", PAGE_CACHE_SECONDS="300",
        ADMIN_EMAIL=EDITOR_EMAIL, ADMIN_PASSWORD=EDITOR_PASSWORD,
    )
    assert common["CACHE_URL"], "the hosts share Redis: the suite's CACHE_URL (the harness sets it)"
    envs = [production_env(workdir / f"var-{name}", **common) for name in ("a", "b")]
    for env in envs:
        prepare(env)  # migrate (a no-op on the shared database) and each host's own collectstatic
    manage(envs[0], "ensure_admin")
    settings.MEDIA_ROOT = media
    hosts = [Gunicorn(env, workers=1, threads=2, log=workdir / f"gunicorn-{n}.log") for n, env in enumerate(envs)]
    try:
        for host in hosts:
            host.start()
        yield workdir, hosts, envs, ports
    finally:
        for n, host in enumerate(hosts):
            host.stop()
            print(f"gunicorn {n} log tail:\n" + tail(workdir / f"gunicorn-{n}.log", 40))
        shutil.rmtree(workdir, ignore_errors=True)


def test_two_web_hosts_share_logins_forms_limits_publishing_and_documents(two_hosts):
    from newsletter.views.subscribe import IP_LIMIT_PER_HOUR
    from wagtail.documents.models import Document
    from wagtail.models import Site

    workdir, (host_a, host_b), envs, ports = two_hosts
    home_id = Site.objects.get(is_default_site=True).root_page_id
    figures: dict = {}

    # a login on A is a login on B: the same browser (cookie jar) talking to the other host
    status, on_a = login(host_a.base, EDITOR_EMAIL, EDITOR_PASSWORD, host=PUBLIC_NAME)
    on_b = WebSession(host_b.base, timeout=30, host=PUBLIC_NAME, jar=on_a.jar)
    profile_on_b = on_b.request("/account/profilo/")[0]
    figures["login on A, profile on B"] = f"{status} -> {profile_on_b}"
    assert status == 302 and profile_on_b == 200, "the session made on A is valid on B"

    # a form served by A, posted to B; the per-address limit counts the posts to both hosts
    visitor_a = WebSession(host_a.base, timeout=30, host=PUBLIC_NAME)
    visitor_b = WebSession(host_b.base, timeout=30, host=PUBLIC_NAME, jar=visitor_a.jar)
    token = visitor_a.csrf_token(visitor_a.request("/newsletter/")[1])
    address = f"198.51.{random.randrange(1, 250)}.{random.randrange(1, 250)}"
    statuses = [_subscribe_without_consent(visitor_b if n % 2 == 0 else visitor_a, token, address)
                for n in range(IP_LIMIT_PER_HOUR + 1)]
    figures["newsletter posts, alternating B/A"] = (f"{statuses.count(400)}x400 then {statuses[IP_LIMIT_PER_HOUR:]} "
                                                   f"(limit {IP_LIMIT_PER_HOUR}/h per address)")
    assert statuses[0] == 400, "B accepts the CSRF token A served (400: consent missing, not 403)"
    assert statuses[:IP_LIMIT_PER_HOUR] == [400] * IP_LIMIT_PER_HOUR
    assert statuses[IP_LIMIT_PER_HOUR] == 429, "the limit counts the posts made to both hosts"

    # B keeps the home page in its page cache; A publishes a new title; B serves the new one at once
    path = "/"
    first, second = _get(host_b.base, path), _get(host_b.base, path)
    assert first[0] == 200 and second[1].get("x-page-cache") == "hit", (first[0], second[1].get("x-page-cache"))
    published, seconds = publish_through_admin(on_a, home_id, "Comunità di pratica: pubblicato da A")
    assert published == 302, published
    began = time.monotonic()
    fresh = _get(host_b.base, path)
    figures["publish on A, read on B"] = (f"publish {published} in {seconds:.2f}s; B: {fresh[0]} "
                                          f"cache={fresh[1].get('x-page-cache', 'none')} "
                                          f"{time.monotonic() - began:.2f}s after")
    assert "Comunità di pratica: pubblicato da A" in fresh[2], "B's cached copy is stale after A published"

    # a document uploaded through A's admin is served by B
    form = on_a.request("/admin/documents/add/")[1]
    uploaded, _ = on_a.request("/admin/documents/add/", {
        "csrfmiddlewaretoken": on_a.csrf_token(form), "title": "Verbale del tavolo di zona", "collection": "1",
    }, files={"file": ("verbale-tavolo.pdf", DOCUMENT)})
    document = Document.objects.get(title="Verbale del tavolo di zona")
    download_status, downloaded = on_b.request(document.url)
    figures["document uploaded on A, served by B"] = f"upload {uploaded}; B: {download_status}, {len(downloaded)} chars"
    assert uploaded == 302, uploaded
    assert download_status == 200 and downloaded.encode() == DOCUMENT, "the same bytes from the shared storage"

    # behind the kit's nginx: both hosts are upstreams; stop A and every request still gets an answer
    with nginx_in_front(workdir, [f"127.0.0.1:{host_a.port}", f"127.0.0.1:{host_b.port}"], ports=ports,
                        static_root=Path(envs[0]["PORTAL_VAR_DIR"]) / "static", media_root=workdir / "shared-media") as front:
        before = Counter(front.request(f"{front.public}/").status for _ in range(10))
        host_a.stop()
        during = Counter(front.request(f"{front.public}/").status for _ in range(20))
    figures["through nginx, both hosts"] = dict(before)
    figures["through nginx, host A stopped"] = dict(during)
    report("Two web hosts behind the kit's nginx (shared PostgreSQL, Redis, media)", hosts=2, **figures)
    assert before == Counter({200: 10})
    assert during == Counter({200: 20}), "nginx sends the requests A cannot take to B"
