"""The first administrator of a production install: ``manage.py ensure_admin`` with ADMIN_EMAIL/ADMIN_PASSWORD.

Login is by verified email only (ACCOUNT_EMAIL_VERIFICATION = mandatory): the first
login must not depend on mail that a fresh install may not send yet.
"""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

EMAIL = "amministrazione@inclusione.example.it"
PASSWORD = "Prima-Installazione-2026!"


def test_ensure_admin_creates_a_verified_superuser_who_logs_in_at_once(client, monkeypatch):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    cache.clear()  # allauth's login rate limit counts in it
    monkeypatch.setenv("ADMIN_EMAIL", EMAIL)
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    call_command("ensure_admin")
    call_command("ensure_admin")  # a second deploy: nothing changes

    [admin] = get_user_model().objects.filter(is_superuser=True)
    assert admin.email == EMAIL and admin.is_staff
    address = EmailAddress.objects.get(user=admin)
    assert (address.email, address.verified, address.primary) == (EMAIL, True, True)

    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != reverse("account_email_verification_sent")
    assert client.get("/admin/").status_code == 200
