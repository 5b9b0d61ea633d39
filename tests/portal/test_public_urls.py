"""PUBLIC_BASE_URL is the one source of absolute URLs, whatever host the request came in on.

The test client speaks to ``testserver`` and Wagtail's first migration made the default Site
``localhost:80``: every channel (canonical link, og:url, sitemap, API, exports, feeds, iCal,
robots.txt, the members', newsletter and editors' mails) must still link to
https://cdp.example.org once ``migrate`` ran with that origin.
"""
from __future__ import annotations

import csv
import io
import re

import feedparser
import pytest
from django.core.management import call_command
from icalendar import Calendar
from lxml import etree

from tests import builders

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = "https://cdp.example.org"
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def public_origin(settings):
    """PUBLIC_BASE_URL set, then ``migrate`` (nothing to apply: only its post_migrate handlers run)."""
    from django.core.cache import cache
    from wagtail.models import Site

    cache.clear()  # the signup and subscription forms' rate limits count in it
    settings.PUBLIC_BASE_URL = ORIGIN
    settings.WAGTAILAPI_BASE_URL = ORIGIN
    settings.ALLOWED_HOSTS = ["testserver"]
    before = Site.objects.get(is_default_site=True)
    call_command("migrate", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    return before.root_url, site


@pytest.fixture
def content(public_origin):
    tree = builders.tree()
    return {
        "seminar": builders.seminar(parent=tree["seminari"], start=builders.in_days(10), zones=[builders.zona("pistoiese")], capacity=10),
        "practice": builders.practice(parent=tree["buone-pratiche"]),
        "news": builders.news(parent=tree["notizie"]),
        "norm": builders.norm(parent=tree["quadro-normativo"]),
    }


def test_migrate_sets_the_default_site_from_public_base_url(public_origin):
    before, site = public_origin
    assert (site.hostname, site.port) == ("cdp.example.org", 443)
    assert site.root_url == ORIGIN, f"was {before}"


def test_page_channels_link_to_the_public_origin(client, content):
    seen = {}
    page = content["practice"]
    html = client.get(page.url, HTTP_HOST="testserver").content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    og_url = re.search(r'<meta property="og:url" content="([^"]+)"', html).group(1)
    jsonld = re.findall(r'"url": "([^"]+)"', html)
    seen["canonical, og:url, JSON-LD"] = [canonical, og_url, *jsonld]
    assert canonical == og_url == ORIGIN + page.url

    sitemap = etree.fromstring(client.get("/sitemap.xml").content)
    seen["sitemap"] = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert any(loc.endswith("/zone/pistoiese/") for loc in seen["sitemap"])

    api = client.get("/api/v2/pages/", {"limit": 50}).json()["items"]
    seen["API"] = [u for item in api for u in (item["meta"]["detail_url"], item["meta"]["html_url"])]

    rows = client.get("/export/buone-pratiche.json").json()["results"]
    seen["JSON export"] = [row["url"] for row in rows]
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/export/buone-pratiche.csv").content.decode("utf-8-sig")),
                                   delimiter=";"))
    seen["CSV export"] = [row["indirizzo"] for row in csv_rows]

    for flavour in ("rss", "atom"):
        feed = feedparser.parse(client.get(f"/feeds/notizie/{flavour}/").content)
        seen[f"{flavour} feed"] = [feed.feed.link] + [u for e in feed.entries for u in (e.link, e.id)]

    cal = Calendar.from_ical(client.get("/seminari.ics").content)
    seen["iCal"] = [str(e["URL"]) for e in cal.walk("VEVENT")]
    seen["robots.txt"] = URL.findall(client.get("/robots.txt").content.decode())

    for channel, urls in seen.items():
        assert urls, f"{channel}: no URL found"
        portal_urls = [u for u in urls if "schema.org" not in u]
        assert all(u.startswith(ORIGIN) for u in portal_urls), f"{channel}: {portal_urls}"
    print({channel: len(urls) for channel, urls in seen.items()})


def test_mails_link_to_the_public_origin(client, content, smtp, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from newsletter.notices import notify_editors
    from portal.accounts import registrations
    from tests.accounts.conftest import make_member

    client.post(reverse("account_signup"), {
        "email": "giulia@sds.example.it", "password1": "Inclusione-Toscana-2025!", "password2": "Inclusione-Toscana-2025!",
        "first_name": "Giulia", "last_name": "Rossi", "privacy": "on",
    })
    client.post("/newsletter/iscrizione/", {"email": "lucia@comune.example.it", "name": "Lucia", "privacy": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        registrations.register(content["seminar"], make_member("anna@sds.example.it"))
    from newsletter.models import Edition

    import datetime

    edition = Edition.objects.create(number=1, title="Numero di prova", window_start=datetime.date(2027, 1, 1),
                                     window_end=datetime.date(2027, 2, 28))
    notify_editors(edition, ["moderatrice@sds.example.it"])

    smtp.wait_for(4)
    links = {}
    for to in ("giulia@sds.example.it", "lucia@comune.example.it", "anna@sds.example.it", "moderatrice@sds.example.it"):
        [message] = smtp.messages_to(to)
        body = message.get_body(preferencelist=("plain",)).get_content()
        links[to] = URL.findall(body)
    assert "/account/confirm-email/" in " ".join(links["giulia@sds.example.it"])
    assert content["seminar"].url in " ".join(links["anna@sds.example.it"])
    for to, urls in links.items():
        assert urls and all(u.startswith(ORIGIN) for u in urls), f"{to}: {urls}"
    print({to: len(urls) for to, urls in links.items()})


def test_make_run_links_to_the_port_it_serves(tmp_path):
    """`make run PORT=8101`: the Makefile passes PUBLIC_BASE_URL, migrate puts it on the site record."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "DATABASE_URL")}
    probe = subprocess.run(["make", "--no-print-directory", "--eval", "probe: ; @echo $$PUBLIC_BASE_URL", "probe", "PORT=8101"],
                           cwd=root, env=env, capture_output=True, text=True, check=True)
    origin = probe.stdout.strip()
    assert origin == "http://127.0.0.1:8101"
    env.update(PUBLIC_BASE_URL=origin, PORTAL_VAR_DIR=str(tmp_path / "var"))
    for args in (["migrate", "--no-input", "-v0"],
                 ["shell", "-v0", "-c", "from wagtail.models import Site; print(Site.objects.get(is_default_site=True).root_url)"]):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8101"
