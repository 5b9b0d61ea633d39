"""The accounts features on the real services: Redis-backed rate limits, mail through a real
Celery worker with SMTP failures retried (not dropped)."""
from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, make_member, make_seminar

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_login_rate_limit_counts_in_redis(client, settings, broker_url):
    import redis
    from django.core.cache import cache

    prefix = f"test-accounts-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": broker_url, "KEY_PREFIX": prefix}
    }
    member = make_member("limite.redis@example.it")
    try:
        attempts = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split("/")[0])
        for _ in range(attempts):
            client.post(reverse("account_login"), {"login": member.email, "password": "sbagliata"})
        keys = list(redis.Redis.from_url(broker_url).scan_iter(match=f"{prefix}*"))
        assert keys, "the attempts are counted in Redis"
        response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
        assert "Troppi tentativi di accesso" in response.content.decode()
        assert "_auth_user_id" not in client.session
    finally:
        connection = redis.Redis.from_url(broker_url)
        for key in connection.scan_iter(match=f"{prefix}*"):
            connection.delete(key)
        cache.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_confirmation_mail_survives_an_smtp_outage(celery_worker, smtp, tree):
    """The worker gets 451 from SMTP, retries, and delivers once the server accepts again."""
    from icalendar import Calendar

    from portal.accounts import registrations

    seminar = make_seminar(tree, "smtp-giu", capacity=5, title="Seminario durante il guasto")
    member = make_member("paziente@example.it")
    smtp.fail_with("451 4.3.0 Servizio temporaneamente non disponibile")
    registrations.register(seminar, member)  # autocommit: the task is sent at once
    smtp.wait_for_refused(member.email, timeout=120)  # the worker tried and got 451
    assert smtp.received == [], "refused while the server answers 451"
    smtp.fail_with(None)
    received = smtp.wait_for(1, timeout=120)
    rcpt, message = received[0]
    assert rcpt == member.email and "Iscrizione confermata" in message["Subject"]
    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert str(Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]["SUMMARY"]) == seminar.title
    assert "Retry in" in celery_worker.log_tail(200) or "retry" in celery_worker.log_tail(200).lower()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signup_during_an_smtp_outage_is_not_an_error(celery_worker, smtp, client):
    """allauth's verification mail goes through the worker: the page answers, the mail arrives later."""
    from tests.accounts.conftest import links_in

    smtp.fail_with("451 4.3.0 Servizio temporaneamente non disponibile")
    response = client.post(reverse("account_signup"), {
        "email": "guasto@sds.example.it", "password1": PASSWORD, "password2": PASSWORD,
        "first_name": "Gina", "last_name": "Guasti", "privacy": "on",
    })
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    smtp.wait_for_refused("guasto@sds.example.it", timeout=120)  # the worker tried and got 451
    assert smtp.received == []
    smtp.fail_with(None)
    rcpt, message = smtp.wait_for(1, timeout=120)[0]
    assert rcpt == "guasto@sds.example.it"
    assert message["Subject"] == "[CdP Inclusione] Conferma il tuo indirizzo email"
    body = message.get_content()
    assert "Comunità di Pratica per l'inclusione sociale in Toscana" in body
    assert any("/account/confirm-email/" in link for link in links_in(message))
