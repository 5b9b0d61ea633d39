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

    fields = {"username": email.split("@")[0], "first_name": "Anna", "last_name": "Bianchi", **extra}
    user = get_user_model().objects.create_user(email=email, password=PASSWORD, **fields)
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


@pytest.fixture
def tree(db):
    """The index pages the accounts features hang from (seminars, practices) under the home page."""
    from types import SimpleNamespace

    from cms.demo.builder import ensure_page, home_page
    from cms.models import PracticeIndexPage, SeminarIndexPage

    home = home_page()
    seminars, _ = ensure_page(home, SeminarIndexPage, "seminari", title="Seminari")
    practices, _ = ensure_page(home, PracticeIndexPage, "buone-pratiche", title="Buone pratiche")
    return SimpleNamespace(home=home, seminars=seminars, practices=practices)


def make_document(title: str, filename: str = "materiale.pdf", content: bytes = b"%PDF-1.4\n% test\n"):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title)
    document.file.save(filename, ContentFile(content), save=False)
    document.save()
    return document


def make_seminar(tree, slug: str, *, days_ahead: int = 10, capacity=None, members_only_materials=False, documents=(), **fields):
    from datetime import timedelta

    from django.utils import timezone

    from cms.demo.builder import ensure_page
    from cms.models import SeminarPage

    start = (timezone.now() + timedelta(days=days_ahead)).replace(minute=0, second=0, microsecond=0)
    materials = [("document", {"document": doc, "description": doc.title}) for doc in documents]
    page, _ = ensure_page(
        tree.seminars, SeminarPage, slug,
        title=fields.pop("title", f"Seminario {slug}"),
        summary=fields.pop("summary", "Un incontro della Comunità di Pratica."),
        start=start, end=start + timedelta(hours=3), capacity=capacity,
        members_only_materials=members_only_materials, materials=materials, **fields,
    )
    return page
