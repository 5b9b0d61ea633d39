"""The production stack behind Debian's nginx, built from the kit in deploy/, on loopback.

gunicorn runs ``portal.wsgi`` with DEBUG=false, SECURE_SSL_REDIRECT on and TRUSTED_PROXY_COUNT=1
on the test database; nginx (master as root) runs the site rendered from
``deploy/nginx/cdp.conf.template`` by ``deploy/render.py`` with a self-signed certificate made
in a temporary directory, on free ports. Everything started here is stopped here.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import pytest

from tests.harness.service import tail
from tests.support.app_server import Gunicorn, prepare, production_env
from tests.support.figures import report
from tests.support.nginx import Stack, free_ports, nginx_in_front
from tests.support.worker import _database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DOCUMENT = b"%PDF-1.4\n% relazione annuale della zona distretto\n" + b"0" * 4096


@pytest.fixture
def stack(settings):
    from django.db import connection

    workdir = Path(tempfile.mkdtemp(prefix="cdp-nginx-"))
    os.chmod(workdir, 0o755)
    var = workdir / "var"
    ports = free_ports()
    public = f"https://localhost:{ports[1]}"
    env = production_env(
        var, DATABASE_URL=_database_url(connection.settings_dict), CACHE_URL=os.environ.get("CACHE_URL"),
        ALLOWED_HOSTS="localhost", SECURE_SSL_REDIRECT="true", TRUSTED_PROXY_COUNT="1",
        # Django's public origin must be https on 443 (Wagtail's Site cannot say https on another port);
        # the test reaches nginx on its free port, which nginx's redirect and the CSRF origin name
        PUBLIC_BASE_URL="https://localhost", CSRF_TRUSTED_ORIGINS=public, UPLOAD_MAX_MB="20",
    )
    prepare(env)  # migrate (already done: a no-op) and collectstatic into var/static
    settings.MEDIA_ROOT = var / "media"  # documents made by the test land where gunicorn reads them
    gunicorn = Gunicorn(env, workers=2, log=workdir / "gunicorn.log")
    try:
        gunicorn.start()
        with nginx_in_front(workdir, [f"127.0.0.1:{gunicorn.port}"], ports=ports, static_root=var / "static",
                            media_root=var / "media") as front:
            yield front
    finally:
        gunicorn.stop()
        print("gunicorn log tail:\n" + tail(workdir / "gunicorn.log", 10))
        shutil.rmtree(workdir, ignore_errors=True)


def _published_practice_with_document():
    from tests.accounts.conftest import make_document
    from tests import builders

    document = make_document("Relazione annuale della zona", "relazione-annuale.pdf", DOCUMENT)
    page = builders.practice("Sportello unico di prossimità", "Una buona pratica.", slug="sportello-prossimita")
    page.attachments = [("document", {"document": document, "description": "relazione"})]
    page.save_revision().publish()
    page.refresh_from_db()
    return page, document


def _csrf(stack: Stack, source: str) -> tuple[str, str]:
    """The CSRF cookie and form token of the newsletter page, for one client."""
    landing = stack.request(f"{stack.public}/newsletter/", source=source)
    assert landing.status == 200, landing.status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', landing.text()).group(1)
    return landing.cookies["csrftoken"], token


def _subscribe(stack: Stack, source: str, cookie: str, token: str, forwarded_for: str | None = None) -> int:
    body = urllib.parse.urlencode({"email": f"visitatore-{random.randrange(10**9)}@example.org",
                                   "csrfmiddlewaretoken": token}).encode()  # no privacy consent: 400, still counted
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}",
               "Referer": f"{stack.public}/newsletter/"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for  # what a visitor may invent: nginx appends the real peer
    return stack.request(f"{stack.public}/newsletter/iscrizione/", method="POST", headers=headers, body=body,
                         source=source).status


def test_production_stack_behind_nginx(stack):
    from newsletter.views.subscribe import IP_LIMIT_PER_HOUR

    page, document = _published_practice_with_document()
    gz = {"Accept-Encoding": "gzip"}

    # pages over https, compressed, through Django (request id echoed, HSTS set)
    shown = stack.request(f"{stack.public}{page.url}", headers={**gz, "X-Request-ID": "stack-test-0001"})
    html = shown.text()
    assert shown.status == 200 and "Sportello unico di prossimità" in html
    assert shown.headers.get("content-encoding") == "gzip", "HTML is compressed by nginx"
    assert shown.headers.get("x-request-id") == "stack-test-0001"
    assert "max-age=" in shown.headers.get("strict-transport-security", "")

    # static files: served by nginx itself (no X-Request-ID: Django never saw them), gzip, cached a year
    assets = re.findall(r'/static/[^"\']+\.(?:css|js)', html)
    assert assets, "the page links its static files"
    static_answers = {asset: stack.request(f"{stack.public}{asset}", headers=gz) for asset in assets[:4]}
    for asset, answer in static_answers.items():
        assert answer.status == 200, asset
        assert answer.headers.get("content-encoding") == "gzip", asset
        assert "max-age=31536000" in answer.headers.get("cache-control", ""), asset
        assert "x-request-id" not in answer.headers, f"{asset} went through Django"

    # a document download through Django (permission-checked), never straight from MEDIA_ROOT
    download = stack.request(f"{stack.public}{document.url}")
    assert download.status == 200 and download.body == DOCUMENT
    assert "x-request-id" in download.headers, "documents are Django's"
    direct = stack.request(f"{stack.public}/media/{document.file.name}")
    assert direct.status == 404, "nginx never serves the originals"

    # health probes over plain HTTP, addressed by IP (127.0.0.1 is not in ALLOWED_HOSTS)
    probes = {path: stack.request(f"http://127.0.0.1:{stack.http_port}{path}") for path in ("/healthz", "/readyz")}
    for path, answer in probes.items():
        assert answer.status == 200, (path, answer.status, answer.headers.get("location"))
        assert json.loads(answer.body)["status"] == "ok", path

    # any other plain-HTTP request is sent to https
    plain = stack.request(f"http://localhost:{stack.http_port}{page.url}?x=1")
    assert plain.status == 301 and plain.headers["location"] == f"{stack.public}{page.url}?x=1"

    # the rate limits see each client's own address (X-Forwarded-For through one trusted proxy)
    first, second = (f"127.{random.randrange(1, 250)}.{random.randrange(1, 250)}.{n}" for n in (11, 12))
    cookie, token = _csrf(stack, first)
    statuses_first = [_subscribe(stack, first, cookie, token, forwarded_for=f"198.51.100.{n}")
                      for n in range(IP_LIMIT_PER_HOUR + 1)]
    cookie2, token2 = _csrf(stack, second)
    status_second = _subscribe(stack, second, cookie2, token2)

    report(
        "Production stack behind nginx (deploy/ kit)",
        page=f"{shown.status} gzip={shown.headers.get('content-encoding')} {len(shown.body)} bytes sent",
        static_files_by_nginx=f"{len(static_answers)} ({', '.join(a.rsplit('/', 1)[-1] for a in static_answers)})",
        document_download=f"{download.status} ({len(download.body)} bytes), /media/ original: {direct.status}",
        probes_over_http_by_ip={p: a.status for p, a in probes.items()},
        plain_http_page=f"{plain.status} -> {plain.headers.get('location')}",
        newsletter_posts_first_client=f"{len(statuses_first)}: {statuses_first.count(400)}x400 "
                                      f"then {statuses_first[IP_LIMIT_PER_HOUR:]} (limit {IP_LIMIT_PER_HOUR}/h)",
        second_client=status_second,
    )
    assert statuses_first[:IP_LIMIT_PER_HOUR] == [400] * IP_LIMIT_PER_HOUR, "counted, not yet limited"
    assert statuses_first[IP_LIMIT_PER_HOUR] == 429, "the first client is limited, whatever X-Forwarded-For it invents"
    assert status_second == 400, "another address has its own count"
