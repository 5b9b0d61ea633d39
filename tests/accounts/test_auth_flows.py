"""Account flows end to end, mail captured by the real SMTP sink on loopback."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, links_in, make_member, path_of

pytestmark = pytest.mark.django_db


def _signup(client, email="nuova.operatrice@sds.example.it", **overrides):
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Giulia",
        "last_name": "Rossi",
        "privacy": "on",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_verify_login(client, smtp):
    from django.contrib.auth import get_user_model

    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="nuova.operatrice@sds.example.it")
    assert (user.first_name, user.last_name) == ("Giulia", "Rossi")
    assert user.profile.privacy_accepted_at is not None

    smtp.wait_for(1)
    [message] = smtp.messages_to("nuova.operatrice@sds.example.it")
    assert message["Subject"].startswith("[CdP Inclusione]")
    assert "Conferma" in message["Subject"] or "conferma" in message["Subject"]
    confirm_url = next(link for link in links_in(message) if "/account/confirm-email/" in link)

    # before confirming, login is refused (mandatory verification): a new mail is sent instead
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    page = client.get(path_of(confirm_url))
    assert page.status_code == 200
    assert "Conferma" in page.content.decode()
    response = client.post(path_of(confirm_url))
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    profile = client.get(reverse("account_profile"))
    assert profile.status_code == 200
    assert "Giulia Rossi" in profile.content.decode()


def test_signup_refuses_missing_consent_in_italian(client, smtp):
    response = _signup(client, privacy="")
    assert response.status_code == 200
    assert "accettare l&#x27;informativa privacy" in response.content.decode()
    assert smtp.received == []


def test_pages_are_italian_on_bootstrap_italia(client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'lang="it"' in page
    assert "portal/bundle/site.css" in page  # Bootstrap Italia, built to what the templates use
    assert "Accedi" in page
    assert 'class="form-control' in page and 'class="btn btn-primary' in page
    assert '<label for="id_login"' in page and '<label for="id_password"' in page
    signup = client.get(reverse("account_signup")).content.decode()
    assert "Registrati" in signup and '<label for="id_privacy"' in signup


def test_password_reset(client, member, smtp):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    smtp.wait_for(1)
    [message] = smtp.messages_to(member.email)
    reset_url = next(link for link in links_in(message) if "/account/password/reset/key/" in link)

    response = client.get(path_of(reset_url))  # allauth moves the key into the session and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    new_password = "Nuova-Password-Sicura-77"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302

    client.logout()
    assert client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD}).status_code == 200
    response = client.post(reverse("account_login"), {"login": member.email, "password": new_password})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == member.pk


def test_email_change(client, member, smtp):
    client.force_login(member)
    new_email = "anna.bianchi@sds-valdinievole.example.it"
    response = client.post(reverse("account_email"), {"action_add": "", "email": new_email})
    assert response.status_code == 302
    smtp.wait_for(1)
    [message] = smtp.messages_to(new_email)
    confirm_url = next(link for link in links_in(message) if "/account/confirm-email/" in link)
    member.refresh_from_db()
    assert member.email == "anna.bianchi@comune.example.it", "unchanged until the new address is confirmed"

    assert client.post(path_of(confirm_url)).status_code == 302
    member.refresh_from_db()
    assert member.email == new_email
    assert list(member.emailaddress_set.values_list("email", "verified", "primary")) == [(new_email, True, True)]

    client.logout()
    response = client.post(reverse("account_login"), {"login": new_email, "password": PASSWORD})
    assert response.status_code == 302


def test_account_deletion_with_its_data(client, member, smtp, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from portal.accounts.models import Profile

    client.force_login(member)
    page = client.get(reverse("account_delete"))
    assert page.status_code == 200 and "Elimina account" in page.content.decode()

    wrong = client.post(reverse("account_delete"), {"password": "sbagliata", "confirm": "on"})
    assert wrong.status_code == 400
    assert "La password non è corretta." in wrong.content.decode()
    assert get_user_model().objects.filter(pk=member.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not Profile.objects.filter(user_id=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()
    assert "_auth_user_id" not in client.session
    smtp.wait_for(1)
    [message] = smtp.messages_to(member.email)
    assert "eliminato" in message["Subject"]

    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited(client, member, settings):
    attempts = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split("/")[0])
    for _ in range(attempts):
        response = client.post(reverse("account_login"), {"login": member.email, "password": "sbagliata"})
        assert response.status_code == 200
        assert "Troppi tentativi" not in response.content.decode()
    # the next attempt is refused even with the right password, in Italian
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert "Troppi tentativi di accesso. Riprova più tardi." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signup_flood_gets_429(client, settings, db):
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    cache.clear()
    for n in range(2):
        assert _signup(client, email=f"flood{n}@example.it").status_code == 302
        client.logout()
    response = _signup(client, email="flood9@example.it")
    assert response.status_code == 429
    assert "Troppi tentativi" in response.content.decode()


def test_wagtail_admin_login_goes_through_allauth(client, member):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Fadmin%2F"
    # the admin's own form is gone: a POST there authenticates nobody
    response = client.post("/admin/login/", {"username": member.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert client.get("/admin/login/?next=https://evil.example/").url == "/account/login/?next=%2Fadmin%2F"


def test_member_without_admin_access_gets_403_not_a_loop(client, member):
    client.force_login(member)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "Accesso non consentito" in response.content.decode()


def test_staff_reaches_admin_after_allauth_login(client, db):
    admin = make_member("redazione@cdp.example.it", is_staff=True, is_superuser=True)
    response = client.post("/account/login/?next=/admin/", {"login": admin.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_single_sign_on_is_off_by_default_and_on_by_configuration(client, settings, db):
    page = client.get(reverse("account_login")).content.decode()
    assert "/account/oidc/" not in page
    client.force_login(make_member("prima@example.it"))
    assert reverse("socialaccount_connections") not in client.get(reverse("account_profile")).content.decode()
    client.logout()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "regione",
                    "name": "Accesso Regione Toscana",
                    "client_id": "cdp-portal",
                    "secret": "s3cret",
                    "settings": {"server_url": "https://sso.example.it/realms/rt"},
                }
            ]
        }
    }
    page = client.get(reverse("account_login")).content.decode()
    assert "Accesso Regione Toscana" in page
    assert "/account/oidc/regione/login/" in page
    member = make_member("sso@example.it")
    client.force_login(member)
    assert reverse("socialaccount_connections") in client.get(reverse("account_profile")).content.decode()


def test_deletion_frees_seats_and_removes_private_uploads(client, tree, member, django_capture_on_commit_callbacks):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.accounts import registrations
    from portal.accounts.models import PracticeSubmission
    from tests.accounts.conftest import make_seminar

    seminar = make_seminar(tree, "posto-unico", capacity=1)
    waiting = make_member("in.attesa@example.it")
    registrations.register(seminar, member)
    registrations.register(seminar, waiting)
    client.force_login(member)
    client.post(reverse("account_practice_new"), {"title": "Bozza personale", "action": "save"})
    submission = PracticeSubmission.objects.get(user=member)
    client.post(reverse("account_practice_step", args=[submission.pk, 5]),
                {"action": "upload", "file": SimpleUploadedFile("nota.pdf", b"%PDF-1.4 dati personali")})
    upload = Path(submission.attachments.get().file.path)
    assert upload.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert not PracticeSubmission.objects.filter(pk=submission.pk).exists()
    assert not upload.exists()
    assert registrations.registration_of(seminar, waiting).status == "confirmed"
