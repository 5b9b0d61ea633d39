"""Issue 16, item 9: reporting on an edition without tracking people.

Per edition: delivered, bounced, unsubscribed, and, when turned on, link clicks counted in
aggregate through a redirect that stores no subscriber identity and leads only to the
edition's own URLs. No open pixel. Shown on the edition's admin page.
"""
from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.newsletter import factories
from tests.newsletter.conftest import html_of, path_of, text_of
from tests.newsletter.factories import aware
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

IN_WINDOW = aware(datetime.date(2027, 1, 20))
REDIRECT = re.compile(r"https?://[^\s<>\"']+/newsletter/link/\d+/")


@pytest.fixture
def edition():
    return factories.sendable_edition([
        factories.norm("DGR 300/2027 sul reddito", IN_WINDOW),
        factories.data("Beneficiari 2026", IN_WINDOW),
    ])


def _report(client, edition) -> dict:
    from lxml import html as lxml_html

    client.force_login(_moderator())
    page = client.get(f"/admin/newsletter/edition/manage/{edition.pk}/")
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.content.decode())
    return {dd.get("data-report"): " ".join(dd.text_content().split()) for dd in tree.xpath("//dd[@data-report]")}


def _moderator():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user, _created = get_user_model().objects.get_or_create(username="resoconti", defaults={"email": "r@example.it"})
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("view_edition", "change_edition", "approve_edition"):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="newsletter", codename=codename))
    return user


@pytest.mark.services
def test_link_clicks_are_counted_in_aggregate_without_identifying_subscribers(
        edition, celery_worker, smtp, settings, client, postgres_required):
    from newsletter import dispatch
    from newsletter.editions import edition_items
    from newsletter.models import Edition, EditionLink

    settings.NEWSLETTER_CLICK_COUNTING = True
    for n in range(3):
        factories.subscriber(f"lettore{n}@example.it")
    dispatch.start_sending(edition)
    wait_for(lambda: Edition.objects.get(pk=edition.pk).status == "sent", 60, "the edition to be sent")
    received = smtp.received
    assert len(received) == 3

    per_mail = [sorted(set(REDIRECT.findall(text_of(m)))) for _r, m in received]
    assert per_mail[0] and all(links == per_mail[0] for links in per_mail), "the same links in every mail: no identity"
    for _r, message in received:
        # no open pixel: the one image is the portal's logo, the same static file in every mail
        images = re.findall(r'<img[^>]*src="([^"]+)"', html_of(message))
        assert len(images) == 1 and images[0].endswith("/static/newsletter/mail-logo.png"), images
        assert set(REDIRECT.findall(html_of(message))) == set(per_mail[0])
    item_paths = {urlsplit(i.url).path for i in edition_items(edition)}
    assert not [u for _r, m in received for u in re.findall(r"https?://\S+", text_of(m))
                if urlsplit(u).path in item_paths], "item links go through the counter"

    first = per_mail[0][0]
    for reader in range(2):
        response = Client().get(path_of(first), {"url": "https://altrove.example.com/"})
        assert response.status_code == 302 and urlsplit(response["Location"]).path in item_paths
        assert not response.cookies, "the redirect sets no cookie"
    link = EditionLink.objects.get(pk=int(first.rstrip("/").rsplit("/", 1)[1]))
    assert link.clicks == 2 and link.edition_id == edition.pk
    assert {f.name for f in EditionLink._meta.get_fields()} == {"id", "edition", "url", "clicks"}
    report = _report(client, edition)
    assert report["clicks"] == "2" and report["delivered"] == "3"

    archive = Client().get(f"/newsletter/archivio/{edition.number}/").content.decode()
    assert "/newsletter/link/" not in archive, "the archive links the pages themselves"


def test_the_click_redirect_leads_only_to_the_editions_own_links(edition):
    from newsletter import reporting
    from newsletter.models import EditionLink

    urls = reporting.tracked_urls(edition, ["https://cdp.example.it/normativa/norma-1/"])
    path = path_of(urls["https://cdp.example.it/normativa/norma-1/"])
    followed = Client().get(path, {"next": "https://malevolo.example.com/", "url": "https://malevolo.example.com/"})
    assert (followed.status_code, followed["Location"]) == (302, "https://cdp.example.it/normativa/norma-1/")
    unknown = Client().get("/newsletter/link/999999/", {"next": "https://malevolo.example.com/"})
    assert unknown.status_code == 404 and not unknown.has_header("Location")
    assert "Collegamento non trovato" in unknown.content.decode()
    assert Client().get(f"/newsletter/link/{'9' * 40}/").status_code == 404, "an id past the database's range"
    head = Client().head(path)
    assert head.status_code == 302
    assert EditionLink.objects.get().clicks == 1, "a HEAD (link checker) is not a click"
    assert Client().post(path).status_code == 405


def test_click_counting_is_off_by_default(edition, smtp, client):
    from newsletter import dispatch
    from newsletter.models import EditionLink

    factories.subscriber("predefinito@example.it")
    dispatch.start_sending(edition)
    [(_rcpt, message)] = smtp.wait_for(1)
    assert not REDIRECT.findall(text_of(message)) and "/normativa/" in text_of(message)
    assert not EditionLink.objects.exists()
    assert _report(client, edition)["clicks"] == "non contati per questa edizione"


def test_report_counts_delivered_bounced_and_unsubscribed(edition, smtp, client):
    from newsletter import dispatch

    for n in range(3):
        factories.subscriber(f"arriva{n}@example.it")
    factories.subscriber("inesistente@example.it")
    smtp.fail_with("550 5.1.1 utente sconosciuto", address="inesistente@example.it")
    dispatch.start_sending(edition)
    received = dict(smtp.wait_for(3))
    one_click = str(received["arriva0@example.it"]["List-Unsubscribe"]).split(",")[0].strip().strip("<>")
    Client().post(path_of(one_click), data="List-Unsubscribe=One-Click",
                  content_type="application/x-www-form-urlencoded")

    report = _report(client, edition)
    assert (report["delivered"], report["bounced"], report["bounced_hard"], report["unsubscribed"]) == ("3", "1", "1", "1")
