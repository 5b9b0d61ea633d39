"""Asking the people behind a practice (issue 19 item 2, fast tier, locmem mail): the relay
never exposes the contact's address, copies the sender, and is rate-limited."""
from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import make_member
from tests import builders

pytestmark = pytest.mark.django_db

PRIVATE = "referente.privata@asl.example.it"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contact(db):
    from cms.models import PracticeContact

    practice = builders.practice("Équipe unica sociale-lavoro", "Percorsi integrati")
    return PracticeContact.objects.create(page=practice, service="Referente del progetto", email=PRIVATE, private=True)


@pytest.fixture
def member(db):
    return make_member("operatrice@example.it", last_name="Neri")


def _send(client, contact, n=0):
    return client.post(reverse("relay:write", args=[contact.pk]),
                       {"subject": f"Domanda {n}", "message": "Come avete costruito l'équipe?"})


def test_the_address_is_never_shown_and_the_message_is_relayed_with_a_copy(client, contact, member):
    practice_html = client.get(contact.page.url).content.decode()
    assert PRIVATE not in practice_html
    assert reverse("relay:write", args=[contact.pk]) in practice_html

    client.force_login(member)
    form_html = client.get(reverse("relay:write", args=[contact.pk])).content.decode()
    answer = _send(client, contact)
    assert answer.status_code == 200
    assert PRIVATE not in form_html and PRIVATE not in answer.content.decode()
    to_contact, copy = mail.outbox
    assert to_contact.to == [PRIVATE] and to_contact.reply_to == [member.email]
    assert "Come avete costruito" in to_contact.body and "Anna Neri" in to_contact.body
    assert copy.to == [member.email]
    assert PRIVATE not in copy.body and PRIVATE not in copy.subject and "Come avete costruito" in copy.body


def test_visitors_and_unverified_users_cannot_write(client, contact):
    from django.contrib.auth import get_user_model

    url = reverse("relay:write", args=[contact.pk])
    assert client.post(url, {"subject": "x", "message": "y"}).status_code == 302
    unverified = get_user_model().objects.create_user(username="nuovo", email="nuovo@example.it", password="x-Pass-12345")
    client.force_login(unverified)
    answer = client.post(url, {"subject": "x", "message": "y"})
    assert answer.status_code == 403 and PRIVATE not in answer.content.decode()
    assert mail.outbox == []


def test_rate_limits_answer_429_in_italian_and_keep_the_text(client, contact, member):
    client.force_login(member)
    assert _send(client, contact, 1).status_code == 200
    again = _send(client, contact, 2)  # the same contact within ten minutes
    assert again.status_code == 429
    text = again.content.decode()
    assert "riprova più tardi" in text and "Come avete costruito" in text
    assert len(mail.outbox) == 2


def test_empty_form_is_a_400_with_italian_errors(client, contact, member):
    client.force_login(member)
    answer = client.post(reverse("relay:write", args=[contact.pk]), {"subject": "", "message": ""})
    assert answer.status_code == 400
    assert "Questo campo è obbligatorio" in answer.content.decode()
    assert client.get(reverse("relay:write", args=[999999])).status_code == 404


class _FailsOnce:
    """An SMTP server that drops the connection at the first message, then accepts (locmem)."""

    failures = 0

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self._backend = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        import smtplib

        if _FailsOnce.failures == 0:
            _FailsOnce.failures += 1
            raise smtplib.SMTPServerDisconnected("connessione chiusa dal server")
        return self._backend.send_messages(messages)


def test_a_relayed_message_is_retried_when_the_mail_server_fails(client, contact, member, settings):
    """The relay sends through the members' mail task: an SMTP failure is retried, not dropped (it used to
    send in the request and lose the message on a failure)."""
    settings.EMAIL_BACKEND = f"{__name__}._FailsOnce"
    _FailsOnce.failures = 0
    client.force_login(member)
    assert _send(client, contact).status_code == 200
    assert _FailsOnce.failures == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([PRIVATE, member.email])
    to_contact = next(m for m in mail.outbox if m.to == [PRIVATE])
    assert to_contact.reply_to == [member.email]
