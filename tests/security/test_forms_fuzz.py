"""Property-based fuzzing of the public forms: bad input is refused in Italian and nothing is half-saved.

Forms: newsletter subscription and preferences, signup, good-practice proposal (each
step), seminar registration. Hypothesis sends missing fields, unicode, NUL bytes,
10 kB strings, markup, unknown choice ids and forged tokens. Each answer must be
below 500; a refused submission answers 4xx or shows form errors, and every error
message is Italian; after a refusal the tables it could touch hold exactly the rows
they held before; and after every example the cross-table invariants hold (every
subscriber has a consent record, every user a profile and an e-mail address...).

Runs on the test database of the session (PostgreSQL under ``make test``).
"""
from __future__ import annotations

import logging
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.security.conftest import report

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(this|the|enter|select|ensure|must|field|value|valid|please|required|invalid|characters)\b", re.I)
MARKUP = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "{{ 7*7 }}", "{% debug %}"]
junk = st.one_of(
    st.text(max_size=40),
    st.text(min_size=200, max_size=300).map(lambda s: s * 40),  # 8-12 kB
    st.sampled_from(MARKUP + ["", " ", "\x00", "a\x00b", "٣", "\u202eevil", "-1", "0", "99999999999999999999"]),
)
emailish = st.one_of(st.emails(), junk, st.sampled_from(["a@", "@b.it", "a@b", "a b@c.it", "x@y.it\x00", "ä@ö.it"]))
ids = st.one_of(st.integers(min_value=-(2**63), max_value=2**63).map(str), junk)
tick = st.sampled_from(["on", "", "off", "true", "0"])
COMMON = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


def as_browser(fields: dict) -> dict:
    """A browser's POST always carries the CSRF field (the test client does not check it here)."""
    return {"csrfmiddlewaretoken": "x" * 64, **fields}


def mutations(valid: dict, fuzzed: dict):
    """Forms near the valid one: some fields replaced by fuzz, some dropped, sometimes all fuzz.
    A unique address keeps a valid submission valid (it is not a repeat)."""
    counter = iter(range(10**9))

    def build(draw_replaced, dropped, from_scratch):
        base = {} if from_scratch else dict(valid)
        if "email" in base:
            base["email"] = f"n{next(counter)}-{base['email']}"
        base.update(draw_replaced)
        return {k: v for k, v in base.items() if k not in dropped}

    return st.builds(
        build,
        st.fixed_dictionaries({}, optional=fuzzed),
        st.sets(st.sampled_from(sorted(valid)), max_size=2),
        st.sampled_from([False, False, False, True]),  # one form in four is built from fuzz only
    )


def _form_errors(response) -> list[str]:
    messages = []
    context = response.context
    if context is None:
        return messages
    for name in ("form", "attachment_form", "confirm"):
        try:
            form = context[name]
        except KeyError:
            continue
        errors = getattr(form, "errors", None)
        if errors:
            for field_errors in errors.values():
                messages.extend(str(m) for m in field_errors)
    return messages


def _counts(*models) -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in models}


class Tally:
    def __init__(self, name: str):
        self.name = name
        self.cases = 0
        self.refused = 0
        self.accepted = 0
        self.statuses: dict[int, int] = {}

    def check(self, response, before: dict, after: dict, *, may_change: tuple[str, ...] = ()) -> None:
        self.cases += 1
        status = response.status_code
        self.statuses[status] = self.statuses.get(status, 0) + 1
        assert status < 500, (self.name, status)
        errors = _form_errors(response)
        english = [m for m in errors if ENGLISH.search(m)]
        assert not english, (self.name, english)
        if status >= 400 or errors:
            self.refused += 1
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k] and k not in may_change}
            assert not changed, (self.name, "half-saved on refusal", changed)
            if not errors:  # refused without a form: an Italian page says why (400/403/404/409/410 pages)
                assert b'<html lang="it"' in response.content, (self.name, status, "a refusal must say why, in Italian")
        else:
            self.accepted += 1


def _invariants() -> None:
    """Things that must hold whatever was posted: no orphan or partial records."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from newsletter.models import ConsentRecord, Subscriber
    from portal.accounts.models import Profile

    User = get_user_model()
    assert not Subscriber.objects.exclude(pk__in=ConsentRecord.objects.values("subscriber_id")).exists(), "subscriber without consent"
    assert not User.objects.exclude(pk__in=Profile.objects.values("user_id")).exists(), "user without profile"
    assert not User.objects.exclude(pk__in=EmailAddress.objects.values("user_id")).exclude(is_superuser=True).exists(), \
        "user without e-mail address"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The fuzzers post hundreds of times from one address: rate limits are tested elsewhere.
    The 4xx answers are not logged (thousands of lines); 5xx still are."""
    settings.ACCOUNT_RATE_LIMITS = False
    from django.core.cache import cache

    cache.clear()
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    yield
    for logger, level in zip(quiet, levels):
        logger.setLevel(level)
    cache.clear()


@pytest.fixture
def taxonomies(db):
    from tests import builders

    return builders.zona("val-di-nievole", "Val di Nievole"), builders.topic("lavoro", "Lavoro")


def test_newsletter_subscription_and_preferences(client, taxonomies):
    from django.core.cache import cache

    from newsletter import tokens
    from newsletter.models import ConsentRecord, Subscriber

    zona, topic = taxonomies
    tables = (Subscriber, ConsentRecord, Subscriber.topics.through, Subscriber.zones.through)
    subscribe, preferences = Tally("iscrizione"), Tally("preferenze")
    member = Subscriber.objects.create(email="lettrice@example.it", status="active")
    ConsentRecord.objects.create(subscriber=member, action="subscribe", source="form", privacy_version="2025-01")
    token = tokens.personal_token(member)

    valid = {"email": "nuova@example.it", "privacy": "on", "topics": [str(topic.pk)], "zones": [str(zona.pk)]}

    @settings(max_examples=250, **COMMON)
    @given(fields=mutations(valid, {
        "email": emailish, "name": junk, "privacy": tick, "website": st.one_of(st.just(""), junk),
        "topics": st.lists(st.one_of(ids, st.just(str(topic.pk))), max_size=4),
        "zones": st.lists(st.one_of(ids, st.just(str(zona.pk))), max_size=4),
    }))
    def subscribe_case(fields):
        cache.clear()
        before = _counts(*tables)
        response = client.post("/newsletter/iscrizione/", as_browser(fields))
        subscribe.check(response, before, _counts(*tables))
        if response.status_code == 302:
            assert response["Location"] == "/newsletter/iscrizione/inviata/"
        _invariants()

    @settings(max_examples=150, **COMMON)
    @given(
        forged=st.one_of(st.none(), junk.filter(lambda s: "/" not in s and s.strip())),
        fields=st.fixed_dictionaries({}, optional={
            "name": junk, "topics": st.lists(ids, max_size=4), "zones": st.lists(ids, max_size=4),
        }),
    )
    def preferences_case(forged, fields):
        path = f"/newsletter/preferenze/{token if forged is None else quote(forged, safe='')}/"
        before = _counts(*tables)
        response = client.post(path, as_browser(fields))
        preferences.check(response, before, _counts(*tables))
        if forged is not None and forged != token:
            assert response.status_code in (400, 404)
        _invariants()

    subscribe_case()
    preferences_case()
    report(
        "Public forms fuzzing: newsletter",
        inputs_tried=subscribe.cases + preferences.cases,
        subscribe=f"{subscribe.cases} cases, {subscribe.refused} refused, {subscribe.accepted} accepted, {subscribe.statuses}",
        preferences=f"{preferences.cases} cases, {preferences.refused} refused, {preferences.statuses}",
        half_saved=0,
    )


def test_signup(client):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from portal.accounts.models import Profile

    tables = (get_user_model(), EmailAddress, Profile)
    signup = Tally("registrazione")

    valid = {"email": "nuovo@example.it", "password1": "Inclusione-2025!x", "password2": "Inclusione-2025!x",
             "first_name": "Nuovo", "last_name": "Iscritto", "privacy": "on"}

    @settings(max_examples=200, **COMMON)
    @given(fields=mutations(valid, {
        "email": emailish, "password1": junk, "password2": junk, "first_name": junk, "last_name": junk, "privacy": tick,
    }))
    def signup_case(fields):
        client.logout()
        before = _counts(*tables)
        response = client.post("/account/signup/", as_browser(fields))
        signup.check(response, before, _counts(*tables))
        if response.status_code == 302:
            # accepted: one user, one address, one profile, all together -- or none of them, when the
            # address already exists (allauth answers the same way, so addresses cannot be enumerated)
            after = _counts(*tables)
            deltas = {after[k] - before[k] for k in after}
            assert deltas in ({1}, {0}), {k: after[k] - before[k] for k in after}
        _invariants()

    signup_case()
    report(
        "Public forms fuzzing: signup",
        inputs_tried=signup.cases,
        outcome=f"{signup.refused} refused, {signup.accepted} accepted, {signup.statuses}",
        half_saved=0,
    )
