"""Fixtures of the newsletter tests."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and the quiet period of the subscription form count in the cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def dovecot():
    """Debian's Dovecot on loopback: the bounce mailbox and a second one for mailto unsubscribes."""
    from tests.support.imap import DovecotServer

    server = DovecotServer({"bounces": "rimbalzi-prova", "redazione": "redazione-prova"})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bounce_mailbox(dovecot, settings):
    """The app reads its bounce mailbox on this Dovecot (both mailboxes start empty)."""
    for user in dovecot.users:
        dovecot.clear(user)
    account = dovecot.account("bounces")
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@cdp.example.it"
    settings.NEWSLETTER_BOUNCE_IMAP_HOST = account["host"]
    settings.NEWSLETTER_BOUNCE_IMAP_PORT = account["port"]
    settings.NEWSLETTER_BOUNCE_IMAP_SSL = False
    settings.NEWSLETTER_BOUNCE_IMAP_USER = account["user"]
    settings.NEWSLETTER_BOUNCE_IMAP_PASSWORD = account["password"]
    settings.NEWSLETTER_BOUNCE_IMAP_FOLDER = "INBOX"
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_HOST = ""
    return dovecot


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    settings.PUBLIC_BASE_URL = "https://cdp.example.it"
    settings.DEFAULT_FROM_EMAIL = "Comunità di Pratica Inclusione <noreply@cdp.example.it>"
    settings.NEWSLETTER_REPLY_TO = "redazione@cdp.example.it"
    settings.NEWSLETTER_RATE_PER_SECOND = 0
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 60


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s>\"']+", text_of(message))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
