"""La mia area (issue 19 item 4): one page with registrations, submissions, alerts and the
newsletter, and the download of everything the portal holds about the member (fast tier)."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_my_area_lists_alerts_and_newsletter_and_offers_the_data_download(client, member):
    from django.utils import timezone

    from alerts.models import Alert
    from newsletter import subscriptions

    Alert.objects.create(user=member, email=member.email, query="q=tirocini", confirmed_at=timezone.now())
    Alert.objects.create(email="altro@example.it", query="q=segreto", confirmed_at=timezone.now())
    subscriptions.subscribe_member(member)
    client.force_login(member)

    page = client.get(reverse("account_profile")).content.decode()
    assert "I miei avvisi sulle ricerche" in page and "«tirocini»" in page and "«segreto»" not in page
    assert "Stato dell&#x27;iscrizione" in page or "Stato dell'iscrizione" in page
    assert reverse("account_data_download") in page and reverse("alerts:mine") in page

    answer = client.get(reverse("account_data_download"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    data = json.loads(answer.content)
    assert data["account"]["email"] == member.email
    assert [a["ricerca"] for a in data["avvisi"]] == ["q=tirocini"]
    assert data["newsletter"] is not None
    assert {"profilo", "iscrizioni_seminari", "buone_pratiche_proposte"} <= set(data)


def test_data_download_needs_a_login(client):
    answer = client.get(reverse("account_data_download"))
    assert answer.status_code == 302 and "/account/login/" in answer["Location"]
