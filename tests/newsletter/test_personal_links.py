"""Pages behind the personal signed link: one-click unsubscribe (RFC 8058), preferences, GDPR."""
from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.newsletter import factories

pytestmark = pytest.mark.django_db


def _token(subscriber):
    from newsletter.tokens import personal_token

    return personal_token(subscriber)


def _forgeries(subscriber, other):
    token = _token(subscriber)
    key, signature = token.split(":")
    return [
        f"{key}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",  # one character of the signature
        f"{other.key}:{signature}",                                          # someone else's key, my signature
        str(subscriber.key),                                                 # no signature at all
        _token(subscriber).replace(":", "-"),
    ]


def test_one_click_unsubscribe_post_without_cookies_or_csrf():
    from newsletter.models import ConsentRecord

    subscriber = factories.subscriber("carla@example.it")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/newsletter/disiscrizione/{_token(subscriber)}/",
        data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, "answered directly, no redirect"
    assert "Disiscrizione completata" in response.content.decode()
    assert not client.cookies.get("sessionid")
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed" and subscriber.unsubscribed_at
    withdrawn = subscriber.consents.get(action=ConsentRecord.Action.WITHDRAWN)
    assert withdrawn.source == "list_unsubscribe"

    repeat = client.post(f"/newsletter/disiscrizione/{_token(subscriber)}/", data={"List-Unsubscribe": "One-Click"})
    assert repeat.status_code == 200
    assert subscriber.consents.filter(action=ConsentRecord.Action.WITHDRAWN).count() == 1


def test_unsubscribe_get_shows_a_confirm_page_and_changes_nothing():
    subscriber = factories.subscriber("dario@example.it")
    response = Client().get(f"/newsletter/disiscrizione/{_token(subscriber)}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Conferma la disiscrizione" in body and 'method="post"' in body
    subscriber.refresh_from_db()
    assert subscriber.status == "active"
    # the button of that page posts with the browser's cookies but without a CSRF token: still accepted
    assert Client(enforce_csrf_checks=True).post(f"/newsletter/disiscrizione/{_token(subscriber)}/").status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_forged_tokens_get_400_and_change_nothing():
    victim = factories.subscriber("vittima@example.it")
    attacker = factories.subscriber("attaccante@example.it")
    one_click = Client(enforce_csrf_checks=True)
    browser = Client()  # the other pages are CSRF-protected forms: test the token, not CSRF
    for forged in _forgeries(victim, attacker):
        response = one_click.post(f"/newsletter/disiscrizione/{forged}/", {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400, forged
        assert "Collegamento non valido" in response.content.decode()
        assert one_click.get(f"/newsletter/disiscrizione/{forged}/").status_code == 400
        for url in (f"/newsletter/preferenze/{forged}/", f"/newsletter/preferenze/{forged}/cancellazione/"):
            assert browser.post(url, {"confirm": "on", "name": "X"}).status_code == 400, url
            assert browser.get(url).status_code == 400, url
        assert browser.get(f"/newsletter/preferenze/{forged}/dati/").status_code == 400
    victim.refresh_from_db()
    attacker.refresh_from_db()
    assert (victim.status, victim.name, attacker.status) == ("active", "", "active")
    # the confirmation token of a subscriber is no personal token (different salt)
    from newsletter.tokens import confirm_token

    assert one_click.post(f"/newsletter/disiscrizione/{confirm_token(victim)}/").status_code == 400
    victim.refresh_from_db()
    assert victim.status == "active"


def test_preferences_page_saves_topics_and_zones_without_login():
    zona = factories.zona("Zona Valdinievole Test")
    topic = factories.topic("Abitare test")
    subscriber = factories.subscriber("elena@example.it")
    client = Client()
    url = f"/newsletter/preferenze/{_token(subscriber)}/"
    page = client.get(url)
    assert page.status_code == 200 and "Zona Valdinievole Test" in page.content.decode()
    response = client.post(url, {"name": "Elena", "zones": [zona.pk], "topics": [topic.pk]})
    assert response.status_code == 200 and "Preferenze salvate" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.name == "Elena"
    assert list(subscriber.zones.all()) == [zona] and list(subscriber.topics.all()) == [topic]
    bad = client.post(url, {"zones": ["999999"]})
    assert bad.status_code == 400


def test_gdpr_download_and_erasure_keeps_only_anonymous_counts():
    from newsletter.models import ConsentRecord, Delivery, Subscriber

    subscriber = factories.subscriber("franco@example.it", name="Franco")
    ConsentRecord.objects.create(subscriber=subscriber, action="given", source="subscription_form", privacy_version="2025-01")
    edition = factories.sendable_edition()
    Delivery.objects.create(edition=edition, subscriber=subscriber, segment_key="all", status="sent", last_error="")
    Delivery.objects.create(
        edition=factories.sendable_edition(window=(edition.window_start.replace(year=2028), edition.window_end.replace(year=2028))),
        subscriber=subscriber, segment_key="all", status="failed", last_error="550 franco@example.it unknown",
    )
    from newsletter import tokens as signed

    client = Client()
    token = _token(subscriber)
    # Download and erasure act through the links mailed to the address (test_trust_privacy.py).
    export = client.get(f"/newsletter/dati/{signed.data_token(subscriber, 'export')}/")
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment;")
    data = json.loads(export.content)
    assert data["email"] == "franco@example.it" and data["name"] == "Franco"
    assert data["consents"][0]["privacy_version"] == "2025-01"
    assert {d["status"] for d in data["deliveries"]} == {"sent", "failed"}

    erase_url = f"/newsletter/cancellazione/{signed.data_token(subscriber, 'erase')}/"
    confirm_page = client.get(erase_url)
    assert confirm_page.status_code == 200
    assert client.post(erase_url, {}).status_code == 400
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    done = client.post(erase_url, {"confirm": "on"})
    assert done.status_code == 200 and "Dati cancellati" in done.content.decode()

    assert not Subscriber.objects.filter(email__iexact="franco@example.it").exists()
    assert not ConsentRecord.objects.exists()
    remaining = list(Delivery.objects.values_list("subscriber_id", "status", "last_error"))
    assert sorted(remaining) == [(None, "failed", ""), (None, "sent", "")], "anonymous counts only"
    assert client.get(f"/newsletter/preferenze/{token}/").status_code == 404
    # a mail client's one-click after erasure is still answered without error
    assert client.post(f"/newsletter/disiscrizione/{token}/", {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_member_account_deletion_erases_the_subscription():
    from django.contrib.auth import get_user_model

    from newsletter.models import Subscriber
    from portal.membership import account_deleting

    user = get_user_model().objects.create_user("gino", "gino@example.it", "x-Password-123")
    factories.subscriber("Gino@example.it")
    account_deleting.send(sender=get_user_model(), user=user, email=user.email)
    assert not Subscriber.objects.exists()
