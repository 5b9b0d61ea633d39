"""Double opt-in end to end over real SMTP (aiosmtpd), with expired and altered links."""
from __future__ import annotations

import time

import pytest

from tests.newsletter.conftest import links_in, path_of, text_of

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "lucia.rossi@comune.example.it"


def _subscribe(client, email=ADDRESS, **extra):
    data = {"email": email, "name": "Lucia Rossi", "privacy": "on", **extra}
    return client.post("/newsletter/iscrizione/", data)


def _confirm_link(smtp, address=ADDRESS) -> str:
    smtp.wait_for(1)
    [message] = smtp.messages_to(address)
    links = [url for url in links_in(message) if "/newsletter/conferma/" in url]
    assert len(links) == 1, text_of(message)
    return links[0]


def test_double_opt_in_end_to_end(client, smtp):
    from newsletter.models import ConsentRecord, Subscriber

    response = _subscribe(client)
    assert response.status_code == 302 and response["Location"] == "/newsletter/iscrizione/inviata/"
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.status == "pending"

    link = _confirm_link(smtp)
    [message] = smtp.messages_to(ADDRESS)
    assert str(message["Subject"]).strip().startswith("Conferma l'iscrizione")
    assert link.startswith("https://cdp.example.it/newsletter/conferma/")

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Conferma l&#x27;iscrizione" in page.content.decode() or "Conferma l'iscrizione" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "pending", "a GET (e.g. a link scanner) does not confirm"

    done = client.post(path_of(link))
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.confirmed_at is not None
    actions = list(subscriber.consents.values_list("action", "source", "privacy_version"))
    assert actions == [
        (ConsentRecord.Action.GIVEN, "subscription_form", "2025-01"),
        (ConsentRecord.Action.CONFIRMED, "confirm_link", "2025-01"),
    ]
    assert all(len(c.ip_hash) == 64 for c in subscriber.consents.all())

    again = client.post(path_of(link))
    assert again.status_code == 200, "confirming twice is harmless"


def test_expired_link_is_refused_with_a_clear_page(client, smtp, settings):
    from newsletter import tokens
    from newsletter.models import Subscriber

    settings.NEWSLETTER_CONFIRM_DAYS = 7
    _subscribe(client)
    subscriber = Subscriber.objects.get(email=ADDRESS)
    genuine = _confirm_link(smtp)
    old = tokens.confirm_token(subscriber, issued_at=time.time() - 8 * 86400)
    expired_path = f"/newsletter/conferma/{old}/"
    assert path_of(genuine) != expired_path

    for method in (client.get, client.post):
        response = method(expired_path)
        assert response.status_code == 410
        assert "Collegamento scaduto" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"

    still_valid = tokens.confirm_token(subscriber, issued_at=time.time() - 6 * 86400)
    assert client.post(f"/newsletter/conferma/{still_valid}/").status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


def test_altered_link_is_refused_and_changes_nothing(client, smtp):
    from newsletter.models import Subscriber

    _subscribe(client)
    link = path_of(_confirm_link(smtp))
    token = link.rstrip("/").rsplit("/", 1)[1]
    key, timestamp, signature = token.split(":")
    other = Subscriber.objects.create(email="altro@comune.example.it", status="pending")
    forgeries = [
        f"{key}:{timestamp}:{signature[:-2]}xx",              # signature altered
        f"{other.key}:{timestamp}:{signature}",               # another subscriber's key, same signature
        f"{key}:{timestamp}",                                  # truncated
        "nonsense",
    ]
    for forged in forgeries:
        response = client.post(f"/newsletter/conferma/{forged}/")
        assert response.status_code == 400, forged
        assert "Collegamento non valido" in response.content.decode()
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"pending"}


def test_invalid_form_answers_400_in_italian_and_sends_nothing(client, smtp):
    from newsletter.models import Subscriber

    response = client.post("/newsletter/iscrizione/", {"email": "non-un-indirizzo"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Inserisci un indirizzo email valido" in body
    assert "Per iscriverti devi accettare l&#x27;informativa" in body
    bot = _subscribe(client, website="http://spam.example")
    assert bot.status_code == 400
    assert not Subscriber.objects.exists()
    from portal.celery import app

    assert app.conf.task_always_eager, "tasks run inside the request: any mail would already be at the sink"
    assert smtp.received == []


def test_existing_subscriber_gets_a_reminder_not_a_new_confirmation(client, smtp):
    from tests.newsletter.factories import subscriber

    subscriber(ADDRESS)
    _subscribe(client)
    smtp.wait_for(1)
    [message] = smtp.messages_to(ADDRESS)
    assert "già iscritto" in str(message["Subject"])
    assert any("/newsletter/preferenze/" in url for url in links_in(message))


def test_unconfirmed_subscriptions_are_purged_after_the_confirmation_period(settings):
    import datetime

    from django.utils import timezone

    from newsletter.models import Subscriber
    from newsletter.tasks import purge_unconfirmed

    settings.NEWSLETTER_CONFIRM_DAYS = 5
    old = Subscriber.objects.create(email="vecchio@example.it", status="pending")
    fresh = Subscriber.objects.create(email="nuovo@example.it", status="pending")
    active = Subscriber.objects.create(email="attivo@example.it", status="active")
    Subscriber.objects.filter(pk__in=[old.pk, active.pk]).update(updated_at=timezone.now() - datetime.timedelta(days=6))

    assert purge_unconfirmed.delay().get() == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"nuovo@example.it", "attivo@example.it"}
    assert fresh.pk


def test_verified_member_subscribes_in_one_click(client, smtp):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from newsletter.models import Subscriber

    user = get_user_model().objects.create_user("anna", "anna@comune.example.it", "x-Password-123", first_name="Anna")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    page = client.get("/newsletter/")
    assert "Iscriviti con un clic" in page.content.decode()
    response = client.post("/newsletter/iscrizione/membro/")
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(email__iexact=user.email)
    assert subscriber.status == "active" and subscriber.user == user and subscriber.name == "Anna"
    assert subscriber.consents.get().source == "member_one_click"
    [(_to, welcome)] = smtp.wait_for(1)  # no confirmation mail for a verified address: only the welcome
    assert "Benvenut" in str(welcome["Subject"]) and "/conferma/" not in text_of(welcome)


def test_unverified_member_cannot_use_one_click(client):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from newsletter.models import Subscriber

    user = get_user_model().objects.create_user("bruno", "bruno@comune.example.it", "x-Password-123")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    assert "Iscriviti con un clic" not in client.get("/newsletter/").content.decode()
    client.post("/newsletter/iscrizione/membro/")
    assert not Subscriber.objects.exists()


def test_email_is_unique_regardless_of_case(client, smtp):
    from django.db import IntegrityError, transaction

    from newsletter.models import Subscriber

    Subscriber.objects.create(email="Maria@Example.it")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="maria@example.IT")
    _subscribe(client, email="MARIA@example.it")
    assert Subscriber.objects.count() == 1
