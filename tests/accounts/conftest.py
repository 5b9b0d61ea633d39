"""Fixtures of the accounts tests: members in each state, and a clean rate-limit cache."""
from __future__ import annotations

import re

import pytest

PASSWORD = "Inclusione-Toscana-2025!"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits count in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_member(email: str, *, verified: bool = True, groups: tuple[str, ...] = (), **extra):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, first_name="Anna", last_name="Bianchi", **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def member(db):
    return make_member("anna.bianchi@comune.example.it")


@pytest.fixture
def unverified_member(db):
    return make_member("non.verificato@comune.example.it", verified=False)


def links_in(message) -> list[str]:
    """The http(s) links of a mail's plain-text body."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"https?://[^\s>]+", body)


def path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
