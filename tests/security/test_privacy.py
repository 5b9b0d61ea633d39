"""Privacy items of issue 14 (item 10): no Gravatar in the admin; mailed links survive a SECRET_KEY rotation."""
from __future__ import annotations

import pytest

from tests.portal.test_configuration import clean_env, manage

OLD_KEY = "chiave-vecchia-" + "o" * 40
NEW_KEY = "chiave-nuova-" + "n" * 40


@pytest.mark.django_db
def test_no_admin_page_references_gravatar(client):
    """Wagtail would load each editor's picture from gravatar.com, sending a hash of their e-mail."""
    from tests.accounts.conftest import make_member
    from tests.security.conftest import site_tree

    tree = site_tree()
    admin = make_member("redazione@example.it", is_staff=True, is_superuser=True)
    editor = make_member("redattrice@example.it", is_staff=True)
    client.force_login(admin)
    paths = ["/admin/", "/admin/account/", "/admin/users/", f"/admin/users/edit/{editor.pk}/",
             f"/admin/pages/{tree.home.pk}/", f"/admin/pages/{tree.seminars.pk}/edit/", "/admin/reports/site-history/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "gravatar" not in response.content.decode().lower(), path


@pytest.fixture
def subscribers(db, settings):
    from newsletter import tokens
    from newsletter.models import ConsentRecord, Subscriber

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    active = Subscriber.objects.create(email="lettrice@example.it", status=Subscriber.Status.ACTIVE)
    pending = Subscriber.objects.create(email="attesa@example.it")
    for subscriber in (active, pending):
        ConsentRecord.objects.create(subscriber=subscriber, action="subscribe", source="form", privacy_version="2025-01")
    return {
        "preferences": f"/newsletter/preferenze/{tokens.personal_token(active)}/",
        "unsubscribe": f"/newsletter/disiscrizione/{tokens.personal_token(active)}/",
        "data request": f"/newsletter/preferenze/{tokens.personal_token(active)}/dati/",
        "data": f"/newsletter/dati/{tokens.data_token(active, 'export')}/",
        "confirm": f"/newsletter/conferma/{tokens.confirm_token(pending)}/",
    }


def test_links_signed_with_the_old_key_work_after_rotation(client, settings, subscribers):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    for name, path in subscribers.items():
        assert client.get(path).status_code == 200, name


def test_links_signed_with_a_dropped_key_are_refused(client, settings, subscribers):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
    for name, path in subscribers.items():
        assert client.get(path).status_code == 400, name


def test_fallback_keys_come_from_the_environment(tmp_path):
    code = "from django.conf import settings as s; print(repr(s.SECRET_KEY_FALLBACKS))"
    rotated = manage(clean_env(tmp_path, SECRET_KEY_FALLBACKS=f"{OLD_KEY}, altra-chiave"), "shell", "-c", code)
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.splitlines()[-1] == repr([OLD_KEY, "altra-chiave"])
    assert manage(clean_env(tmp_path), "shell", "-c", code).stdout.splitlines()[-1] == "[]"
