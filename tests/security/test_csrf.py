"""CSRF is enforced on every URL of the site, except where a cookie-less POST is the point.

The URL resolver is walked: for every pattern (Wagtail admin, Django admin, allauth,
the portal's apps, the API, the page catch-all) a concrete path that resolves to that
very view is built from its regular expression, and a POST without a CSRF token is
sent with ``enforce_csrf_checks=True`` and a logged-in administrator's session cookie
(the attack CSRF is about). It must be refused by the CSRF middleware, unless the view
is on the short list below, which says why it may take a POST without a token.
"""
from __future__ import annotations

import logging
import re
import warnings

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from hypothesis import HealthCheck, find, settings as hsettings, strategies as st
from hypothesis.errors import NoSuchExample

from tests.security.conftest import report

pytestmark = pytest.mark.django_db

# view name (module.qualname) -> why a POST without a CSRF token is acceptable there
EXEMPT = {
    "newsletter.views.personal.unsubscribe": "RFC 8058 one-click unsubscribe: mail clients POST with no cookie",
    "newsletter.views.bounces.bounce_endpoint": "machine endpoint: no cookie authentication, a shared secret is required",
    "alerts.views.unsubscribe": "RFC 8058 one-click removal of a search alert: mail clients POST with no cookie; "
                                "the signed token in the path is the authority",
}
# Views exempted by their framework that refuse POST altogether (checked: 405).
READ_ONLY_EXEMPT = ("wagtail.api.", "rest_framework.", "cms.api.")
URL_CHARS = st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="/-_.", max_codepoint=127)


def _view_name(callback) -> str:
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    return f"{target.__module__}.{getattr(target, '__qualname__', getattr(target, '__name__', repr(target)))}"


def _patterns(resolver=None, prefix=""):
    """(full regex, pattern) for every leaf URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        piece = entry.pattern.regex.pattern
        piece = piece[1:] if piece.startswith("^") else piece
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + piece.removesuffix("$").removesuffix(r"\Z"))
        elif isinstance(entry, URLPattern):
            yield prefix + piece, entry


_GROUP = re.compile(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)")
_SAMPLES = ("1", "x", "00000000-0000-0000-0000-000000000000", "it", "a/b")


def _quick_paths(regex: str):
    """Plain paths for the usual patterns: every named group replaced by one sample value."""
    body = regex.removesuffix("$").removesuffix(r"\Z").replace("^", "")
    for sample in _SAMPLES:
        candidate = re.sub(r"\\(.)", r"\1", _GROUP.sub(sample, body))
        if not re.search(r"[][()*+?|{}$^\\]", candidate):
            yield candidate


def _example_path(regex: str, pattern: URLPattern) -> str | None:
    """A path matching ``regex`` that resolves to ``pattern``'s view (None if shadowed)."""
    def resolves_here(candidate: str) -> bool:
        try:
            match = resolve("/" + candidate)
        except (Resolver404, Exception):
            return False
        return match.func == pattern.callback

    for candidate in _quick_paths(regex):
        if resolves_here(candidate):
            return "/" + candidate
    full = "^" + regex.removesuffix("$").removesuffix(r"\Z") + r"\Z"
    try:
        compiled = re.compile(full)
    except re.error:
        return None
    strategy = st.from_regex(compiled, fullmatch=True, alphabet=URL_CHARS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "/" + find(strategy, resolves_here, settings=hsettings(
                max_examples=60, database=None, suppress_health_check=list(HealthCheck), deadline=None))
    except (NoSuchExample, Exception):
        return None


def test_every_post_needs_a_csrf_token_except_the_documented_ones(db, caplog):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("csrf-admin", "csrf-admin@example.it", "x-Pass-12345")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)

    checked, refused, unreachable = 0, 0, []
    exempt_seen: dict[str, int] = {}
    problems = []
    seen_views = set()
    for regex, pattern in _patterns():
        path = _example_path(regex, pattern)
        if path is None:
            unreachable.append(regex)
            continue
        name = _view_name(pattern.callback)
        seen_views.add(name)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
            response = browser.post(path, {"probe": "1"})
        checked += 1
        csrf_refused = response.status_code == 403 and any(r.name == "django.security.csrf" for r in caplog.records)
        if csrf_refused:
            refused += 1
            continue
        if getattr(pattern.callback, "csrf_exempt", False):
            if name in EXEMPT:
                exempt_seen[name] = response.status_code
                continue
            if name.startswith(READ_ONLY_EXEMPT) and response.status_code == 405:
                exempt_seen[name] = 405
                continue
            if response.status_code == 403 and b"CSRF Failed" in response.content:  # DRF's own check
                refused += 1
                continue
        problems.append((path, name, response.status_code))

    report(
        "CSRF on every URL pattern (POST without token, admin session)",
        url_patterns_checked=checked,
        refused_by_csrf=refused,
        exempt=exempt_seen,
        not_reachable_by_a_generated_path=unreachable or 0,
        unprotected=problems or 0,
    )
    assert not problems, problems[:20]
    assert set(EXEMPT) <= set(exempt_seen), "the documented exemptions are real views"
    assert checked > 300, "the walk reached the admin, accounts, apps and pages"
    assert len(unreachable) < checked // 10, unreachable[:20]


def test_one_click_unsubscribe_works_without_cookie_or_token(db):
    from newsletter import tokens
    from newsletter.models import Subscriber

    subscriber = Subscriber.objects.create(email="lettrice@example.it", status="active")
    mail_client = Client(enforce_csrf_checks=True)  # no cookie, no session, no token: a mail client
    response = mail_client.post(
        f"/newsletter/disiscrizione/{tokens.personal_token(subscriber)}/", {"List-Unsubscribe": "One-Click"}
    )
    subscriber.refresh_from_db()
    assert response.status_code == 200 and subscriber.status == "unsubscribed"


def test_bounce_endpoint_without_the_secret_changes_nothing(db, settings):
    from newsletter.models import Subscriber

    settings.NEWSLETTER_BOUNCE_SECRET = "segreto-condiviso-123"
    subscriber = Subscriber.objects.create(email="lettore@example.it", status="active")
    forger = Client(enforce_csrf_checks=True)
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer sbagliato"}, {"HTTP_X_NEWSLETTER_SECRET": ""}):
        response = forger.post("/newsletter/rimbalzi/", {"email": subscriber.email, "kind": "hard"}, **headers)
        assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == "active"
