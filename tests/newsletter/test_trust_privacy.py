"""Trust and privacy of the newsletter (issue 16, item 8), over the real SMTP sink.

The defects: a forwarded newsletter let anyone download or erase the subscriber's data from its
links (the personal link acted at once); nothing welcomed a confirmed subscriber with the links
to manage the subscription; the mail did not say who sends it (no logo, no sender identity, no
privacy notice link) and every edition showed the same preheader in the inbox.
"""
from __future__ import annotations

import datetime
import json
import re
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.newsletter import factories
from tests.newsletter.conftest import html_of, links_in, path_of, text_of
from tests.newsletter.factories import aware

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _personal(subscriber) -> str:
    from newsletter import tokens

    return tokens.personal_token(subscriber)


def _only_link(smtp, address: str, fragment: str) -> str:
    found = [url for message in smtp.messages_to(address) for url in links_in(message) if fragment in url]
    assert len(found) == 1, [text_of(m) for m in smtp.messages_to(address)]
    return found[0]


def _with_history(email: str):
    from newsletter.models import ConsentRecord, Delivery

    subscriber = factories.subscriber(email, name="Franco")
    ConsentRecord.objects.create(subscriber=subscriber, action="given", source="subscription_form",
                                 privacy_version="2025-01")
    Delivery.objects.create(edition=factories.sendable_edition(), subscriber=subscriber, segment_key="all",
                            status="sent")
    return subscriber


@pytest.mark.services
def test_forwarded_newsletter_link_cannot_download_the_data_only_the_mailed_link_can(
    postgres_required, celery_worker, smtp
):
    """The request mail goes out through the real worker."""
    subscriber = _with_history("franco@example.it")
    forwarded = Client()  # whoever received the newsletter forwarded
    request_url = f"/newsletter/preferenze/{_personal(subscriber)}/dati/"

    page = forwarded.get(request_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "franco@example.it" not in body and "f***@example.it" in body, "the page does not reveal the address"
    assert not page.get("Content-Disposition")
    asked = forwarded.post(request_url)
    assert asked.status_code == 200 and not asked.get("Content-Disposition")
    assert "franco" not in asked.content.decode().replace("f***@example.it", "")

    smtp.wait_for(1, timeout=60)
    [message] = smtp.messages_to("franco@example.it")
    assert "Scarica i tuoi dati" in str(message["Subject"])
    link = _only_link(smtp, "franco@example.it", "/newsletter/dati/")
    assert _personal(subscriber) not in link, "a link of its own, not the one every newsletter carries"

    download = Client().get(path_of(link))  # the owner, from their own mailbox
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    assert data["email"] == "franco@example.it" and data["consents"][0]["privacy_version"] == "2025-01"

    forwarded.post(request_url)  # asked again at once: no second mail (no flooding the owner's inbox)
    assert len(smtp.messages_to("franco@example.it")) == 1


def test_forwarded_newsletter_link_cannot_erase_the_data_only_the_mailed_link_can(smtp):
    from newsletter.models import ConsentRecord, Delivery, Subscriber

    subscriber = _with_history("gina@example.it")
    forwarded = Client()
    request_url = f"/newsletter/preferenze/{_personal(subscriber)}/cancellazione/"

    assert forwarded.get(request_url).status_code == 200
    forwarded.post(request_url, {"confirm": "on"})  # what the old page erased with
    assert Subscriber.objects.filter(pk=subscriber.pk).exists(), "the personal link alone erases nothing"

    link = path_of(_only_link(smtp, "gina@example.it", "/newsletter/cancellazione/"))
    owner = Client()
    form = owner.get(link)
    assert form.status_code == 200 and Subscriber.objects.filter(pk=subscriber.pk).exists(), "a GET erases nothing"
    assert owner.post(link, {}).status_code == 400, "the box must be ticked"
    done = owner.post(link, {"confirm": "on"})
    assert done.status_code == 200 and "Dati cancellati" in done.content.decode()
    assert not Subscriber.objects.filter(email__iexact="gina@example.it").exists()
    assert not ConsentRecord.objects.exists()
    assert list(Delivery.objects.values_list("subscriber_id", "status")) == [(None, "sent")]
    assert owner.get(link).status_code == 404, "once erased, the link has nothing left to act on"


def test_mailed_data_links_expire_and_serve_one_purpose_only(settings):
    from newsletter import tokens
    from newsletter.models import Subscriber

    settings.NEWSLETTER_DATA_LINK_HOURS = 24
    subscriber = _with_history("ugo@example.it")
    client = Client()
    old = tokens._FixedClockSigner(salt=tokens.DATA_SALTS["erase"], at=time.time() - 25 * 3600).sign(str(subscriber.key))
    expired = client.post(f"/newsletter/cancellazione/{old}/", {"confirm": "on"})
    assert expired.status_code == 410 and "scaduto" in expired.content.decode()

    export_token = tokens.data_token(subscriber, "export")
    wrong_purpose = client.post(f"/newsletter/cancellazione/{export_token}/", {"confirm": "on"})
    assert wrong_purpose.status_code == 400
    assert client.get(f"/newsletter/dati/{_personal(subscriber)}/").status_code == 400, "the personal token is no data link"
    altered = export_token[:-2] + ("aa" if not export_token.endswith("aa") else "bb")
    assert client.get(f"/newsletter/dati/{altered}/").status_code == 400
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_confirming_the_subscription_sends_a_welcome_mail_with_the_manage_links(client, smtp):
    from newsletter.models import Subscriber

    client.post("/newsletter/iscrizione/", {"email": "nuova@example.it", "name": "Nuova", "privacy": "on"})
    confirm = _only_link(smtp, "nuova@example.it", "/newsletter/conferma/")
    assert client.post(path_of(confirm)).status_code == 200
    smtp.wait_for(2)
    welcome = smtp.messages_to("nuova@example.it")[-1]
    assert "Benvenut" in str(welcome["Subject"])
    text = text_of(welcome)
    subscriber = Subscriber.objects.get(email="nuova@example.it")
    token = _personal(subscriber)
    for path in (f"/newsletter/preferenze/{token}/", f"/newsletter/disiscrizione/{token}/",
                 f"/newsletter/preferenze/{token}/dati/", f"/newsletter/preferenze/{token}/cancellazione/",
                 "/privacy/"):
        assert f"https://cdp.example.it{path}" in text, path
    for url in links_in(welcome):
        if "/newsletter/" in url:
            assert Client().get(path_of(url)).status_code == 200, url

    client.post(path_of(confirm))  # confirming again welcomes nobody twice
    assert len(smtp.messages_to("nuova@example.it")) == 2


def test_the_edition_looks_institutional_with_its_own_preheader(settings):
    from django.contrib.staticfiles import finders

    from newsletter.models import Edition
    from newsletter.rendering import render_edition

    settings.NEWSLETTER_SENDER_IDENTITY = (
        "Comunità di pratica promossa da Regione Toscana, ANCI Toscana e Istituto per la Ricerca Sociale (IRS)"
    )
    first = factories.sendable_edition([factories.norm("DGR 544/2023", aware(datetime.date(2027, 1, 9)))])
    first.preheader = "Il nuovo protocollo SIII e i dati del bimestre"
    first.editorial = "<p>Un editoriale che non deve finire nell'anteprima.</p>"
    first.save()
    second = factories.sendable_edition(window=(datetime.date(2027, 3, 1), datetime.date(2027, 4, 30)))
    second.editorial = "<p>In questo numero <b>le équipe</b> sociale-lavoro delle Zone e la nuova delibera.</p>"
    second.save()

    rendered = render_edition(first)
    html, text = rendered.html, rendered.text
    logo = re.search(r'<img[^>]+src="(https://cdp\.example\.it/static/newsletter/mail-logo\.png)"[^>]*>', html)
    assert logo and 'alt="' in logo.group(0)
    assert finders.find("newsletter/mail-logo.png"), "the logo is a shipped static file"
    identity = "Regione Toscana, ANCI Toscana e Istituto per la Ricerca Sociale (IRS)"
    assert identity in html and identity in text
    assert 'href="https://cdp.example.it/privacy/"' in html and "https://cdp.example.it/privacy/" in text

    def preview(edition_html):
        # MJML's mj-preview: the first, hidden block of the body
        found = re.search(r'<div style="display:none;[^"]*">(.*?)</div>', edition_html, re.S)
        return found.group(1).strip() if found else ""

    assert preview(html) == "Il nuovo protocollo SIII e i dati del bimestre"
    second_preview = preview(render_edition(Edition.objects.get(pk=second.pk)).html)
    assert second_preview.startswith("In questo numero le équipe sociale-lavoro delle Zone"), second_preview
    assert "<b>" not in second_preview


def test_the_sent_message_carries_the_privacy_link_and_the_sender_identity(smtp):
    from newsletter import dispatch

    factories.subscriber("lettrice@example.it")
    edition = factories.sendable_edition([factories.norm("DGR 2/2027", aware(datetime.date(2027, 1, 9)))])
    dispatch.start_sending(edition)
    [message] = smtp.messages_to("lettrice@example.it")
    assert "https://cdp.example.it/privacy/" in text_of(message)
    assert "mail-logo.png" in html_of(message)
    assert "ANCI Toscana" in text_of(message)
    logo = Path(__file__).resolve().parents[2] / "newsletter/static/newsletter/mail-logo.png"
    assert logo.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
