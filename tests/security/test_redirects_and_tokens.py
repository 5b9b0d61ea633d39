"""No open redirect through ``next`` (or Referer), and signed links that cannot be forged or reused.

Redirects: every view that takes a target from the request (allauth login, logout and
signup, Django's set_language, the admin login wrappers, Wagtail admin actions with
``?next=``, the seminar cancel form) is given off-site targets in the spellings
browsers accept (``//host``, ``/\\host``, ``https:host``, tabs, userinfo, encoded
slashes, ``javascript:``). Every ``Location`` must stay on this site.

Tokens: the newsletter's confirmation and personal links are tried forged, altered,
truncated, swapped between purposes and between subscribers, expired, and replayed
after unsubscribing; allauth's e-mail confirmation and password reset keys forged.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from django.test import Client

from tests.accounts.conftest import PASSWORD, make_member
from tests.security.conftest import report, site_tree

pytestmark = pytest.mark.django_db

EVIL = [
    "https://evil.example/", "http://evil.example", "//evil.example/", "///evil.example/", "////evil.example",
    "/\\evil.example", "\\\\evil.example", "\\/evil.example", "https:evil.example", "https:/evil.example",
    "http://testserver@evil.example/", "http://evil.example\\@testserver/", "\t//evil.example", " //evil.example",
    "/\t/evil.example", "%2F%2Fevil.example", "/%2F/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>", "http://evil.example%23@testserver/", "http:\\\\evil.example",
    "/%09/evil.example", "https://testserver.evil.example/", "http://evil.example:80@testserver/",
]


def assert_on_site(location: str, probe: str) -> None:
    """Relative, or absolute to one of the site's own host names (ALLOWED_HOSTS)."""
    from django.conf import settings

    assert "\\" not in location, (probe, location)
    stripped = location.strip()
    assert not stripped.startswith("//"), (probe, location)
    parts = urlsplit(stripped)
    assert parts.scheme in ("", "http", "https"), (probe, location)
    assert not parts.username and not parts.password, (probe, location)
    host = parts.hostname or ""
    own = {h.strip("[]") for h in settings.ALLOWED_HOSTS}
    assert parts.netloc == "" or host in own, (probe, location)


class Redirects:
    def __init__(self):
        self.tried = 0
        self.by_view: dict[str, int] = {}

    def check(self, view: str, response, probe: str) -> None:
        self.tried += 1
        self.by_view[view] = self.by_view.get(view, 0) + 1
        assert response.status_code < 500, (view, probe, response.status_code)
        if response.status_code in (301, 302, 303, 307, 308):
            assert_on_site(response["Location"], probe)


def test_no_open_redirect_through_next_or_referer(client):
    from wagtail.models import Page

    tree = site_tree()
    member = make_member("utente@example.it")
    admin = make_member("admin@example.it", groups=("Amministratore",), is_staff=True, is_superuser=True)
    from tests.accounts.conftest import make_seminar

    seminar = make_seminar(tree, "seminario-redirect")
    page = Page.objects.get(pk=tree.practices.pk)
    checks = Redirects()
    for probe in EVIL:
        q = quote(probe, safe="")
        anonymous = Client()
        checks.check("login GET", anonymous.get(f"/account/login/?next={q}"), probe)
        response = anonymous.post(f"/account/login/?next={q}", {"login": member.email, "password": PASSWORD, "next": probe})
        checks.check("login POST", response, probe)
        assert response.status_code == 302, (probe, response.status_code)
        checks.check("logout", anonymous.post("/account/logout/", {"next": probe}), probe)
        checks.check("signup", Client().get(f"/account/signup/?next={q}"), probe)
        checks.check("set_language next", Client().post("/i18n/setlang/", {"language": "en", "next": probe}), probe)
        checks.check("set_language referer", Client().post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER=probe), probe)
        checks.check("admin login anonymous", Client().get(f"/admin/login/?next={q}"), probe)
        checks.check("django-admin login anonymous", Client().get(f"/django-admin/login/?next={q}"), probe)
        staff = Client()
        staff.force_login(admin)
        checks.check("admin login staff", staff.get(f"/admin/login/?next={q}"), probe)
        checks.check("django-admin login staff", staff.get(f"/django-admin/login/?next={q}"), probe)
        checks.check("wagtail unpublish", staff.post(f"/admin/pages/{page.pk}/unpublish/?next={q}"), probe)
        checks.check("wagtail lock", staff.post(f"/admin/pages/{page.pk}/lock/?next={q}"), probe)
        checks.check("wagtail unlock", staff.post(f"/admin/pages/{page.pk}/unlock/?next={q}"), probe)
        checks.check("wagtail revisions", staff.get(f"/admin/pages/{page.pk}/history/?next={q}"), probe)
        owner = Client()
        owner.force_login(member)
        checks.check("seminar cancel", owner.post(f"/account/seminari/{seminar.pk}/annulla/", {"next": probe}), probe)
    report(
        "Open redirect probes through next/Referer",
        inputs_tried=checks.tried,
        probes=len(EVIL),
        views=len(checks.by_view),
        redirects_off_site=0,
    )


class _RequestCounter:
    """Counts the requests Django serves from now until ``stop()`` (its request_started signal)."""

    def __init__(self):
        from django.core.signals import request_started

        self.count = 0
        self.signal = request_started
        self.signal.connect(self._seen, dispatch_uid=id(self))

    def _seen(self, **_kwargs):
        self.count += 1

    def stop(self) -> int:
        self.signal.disconnect(dispatch_uid=id(self))
        return self.count


def test_newsletter_links_cannot_be_forged_swapped_or_replayed(client, settings):
    import time

    from django.core import signing

    from newsletter import tokens
    from newsletter.models import ConsentRecord, Subscriber

    alice = Subscriber.objects.create(email="alice@example.it", status="pending")
    bob = Subscriber.objects.create(email="bob@example.it", status="active")
    alice_confirm, alice_personal = tokens.confirm_token(alice), tokens.personal_token(alice)
    bob_personal = tokens.personal_token(bob)
    for token in (alice_confirm, alice_personal):
        assert str(alice.pk) not in token.split(":")[1:] and "alice" not in token, "the link names no id or address"

    def altered(token: str, other_key) -> list[str]:
        value, _sep, signature = token.partition(":")
        flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
        return [
            flipped and f"{value}:{flipped}", token[:-3], token + "x", token.upper(), f"{other_key}:{signature}",
            f"{value}:", f"{value}", signing.Signer(key="not-our-secret", salt="newsletter.personal").sign(str(other_key)),
            signing.Signer(salt="newsletter.other").sign(str(other_key)), "", " ", "%00",
        ]

    tried = 0
    # Confirmation link: forged / altered / personal token in its place -> 400, nothing confirmed.
    for bad in [*altered(alice_confirm, bob.key), alice_personal, bob_personal]:
        if not bad.strip():
            continue
        response = client.post(f"/newsletter/conferma/{quote(bad, safe='')}/")
        tried += 1
        assert response.status_code in (400, 404, 410), (bad, response.status_code)
    alice.refresh_from_db()
    assert alice.status == "pending"
    # Personal links: forged, altered, or the confirm token in their place -> 400, Bob untouched.
    for bad in [*altered(bob_personal, alice.key), tokens.confirm_token(bob)]:
        if not bad.strip():
            continue
        for path in ("disiscrizione", "preferenze"):
            response = client.post(f"/newsletter/{path}/{quote(bad, safe='')}/", {"name": "Mallory", "List-Unsubscribe": "One-Click"})
            tried += 1
            assert response.status_code in (400, 404), (path, bad, response.status_code)
        response = client.get(f"/newsletter/preferenze/{quote(bad, safe='')}/dati/")
        tried += 1
        assert response.status_code in (400, 404) and b"bob@example.it" not in response.content
    bob.refresh_from_db()
    assert bob.status == "active" and bob.name == ""
    # Dave's own link acts on Dave only, whatever the form says about Bob.
    later = _RequestCounter()  # the requests of the checks below, counted as Django serves them
    dave = Subscriber.objects.create(email="dave@example.it", status="active")
    client.post(f"/newsletter/disiscrizione/{tokens.personal_token(dave)}/", {"email": bob.email, "subscriber": bob.pk, "key": str(bob.key)})
    bob.refresh_from_db()
    dave.refresh_from_db()
    assert bob.status == "active" and dave.status == "unsubscribed"
    # Confirm once, twice: one consent record for the confirmation; after unsubscribing the old
    # confirmation link does not subscribe again (withdrawn consent stays withdrawn).
    assert client.post(f"/newsletter/conferma/{alice_confirm}/").status_code == 200
    assert client.post(f"/newsletter/conferma/{alice_confirm}/").status_code == 200
    assert ConsentRecord.objects.filter(subscriber=alice, action="confirmed").count() == 1
    alice_personal = tokens.personal_token(Subscriber.objects.get(pk=alice.pk))
    assert client.post(f"/newsletter/disiscrizione/{alice_personal}/").status_code == 200
    replay = client.post(f"/newsletter/conferma/{alice_confirm}/")
    alice.refresh_from_db()
    assert replay.status_code in (400, 410) and alice.status == "unsubscribed"
    # An expired confirmation link is refused with its own page.
    carol = Subscriber.objects.create(email="carol@example.it", status="pending")
    old = tokens.confirm_token(carol, issued_at=time.time() - (settings.NEWSLETTER_CONFIRM_DAYS + 1) * 86400)
    assert client.post(f"/newsletter/conferma/{old}/").status_code == 410
    carol.refresh_from_db()
    assert carol.status == "pending"
    tried += later.stop()
    report("Newsletter signed links: forged, altered, swapped, replayed, expired", inputs_tried=tried, accepted_forgeries=0)


def test_allauth_keys_cannot_be_forged(client):
    from allauth.account.models import EmailAddress

    user = make_member("da.verificare@example.it", verified=False)
    forged = ["abc", "a" * 64, "MQ:1tZ9Xs:forged", f"{user.pk}-forged", "%00"]
    for key in forged:
        response = client.post(f"/account/confirm-email/{quote(key, safe='')}/")
        assert response.status_code < 500
    assert not EmailAddress.objects.get(user=user).verified
    for key in ("1-abc", f"{user.pk}-set-password", "zz-zz"):
        response = client.post(
            f"/account/password/reset/key/{key}/", {"password1": "Nuova-Password-2025!", "password2": "Nuova-Password-2025!"}
        )
        assert response.status_code < 500
    user.refresh_from_db()
    assert user.check_password(PASSWORD), "a forged reset key changed nothing"
    report("allauth keys forged (e-mail confirmation, password reset)", inputs_tried=len(forged) + 3, accepted_forgeries=0)
