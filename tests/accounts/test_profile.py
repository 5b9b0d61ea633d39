"""The member's profile: name, ente, role, Zona, interests; always there as ``user.profile``."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.accounts.conftest import make_member

pytestmark = pytest.mark.django_db


def test_every_user_has_a_profile(db):
    user = make_member("nuovo@example.it")
    assert user.profile.pk and user.profile.zona is None


def test_profile_requires_login(client):
    response = client.get(reverse("account_profile"))
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_member_edits_profile(client, member):
    from cms.models import Topic, Zona

    zona = Zona.objects.order_by("name").first()
    topics = list(Topic.objects.order_by("name")[:2])
    assert zona is not None and len(topics) == 2, "the cms migrations load Zone and topics"
    client.force_login(member)
    form = client.get(reverse("account_profile_edit")).content.decode()
    assert '<label for="id_professional_role"' in form and '<label for="id_zona"' in form
    response = client.post(
        reverse("account_profile_edit"),
        {
            "first_name": "Anna Maria",
            "last_name": "Bianchi",
            "organisation": "SdS Valdinievole",
            "professional_role": "assistente_sociale",
            "zona": zona.pk,
            "topics": [t.pk for t in topics],
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Anna Maria"
    assert member.profile.organisation == "SdS Valdinievole"
    assert member.profile.zona == zona
    assert set(member.profile.topics.all()) == set(topics)
    page = client.get(reverse("account_profile")).content.decode()
    assert "Assistente sociale" in page and escape(zona.name) in page and 'href="/newsletter/"' in page


def test_profile_edit_rejects_unknown_role_in_italian(client, member):
    client.force_login(member)
    response = client.post(
        reverse("account_profile_edit"),
        {"first_name": "Anna", "last_name": "Bianchi", "professional_role": "astronauta"},
    )
    assert response.status_code == 400
    assert "Scegli un&#x27;opzione valida" in response.content.decode()
