"""The pages of the alerts: the form from a search, bad links, one-click unsubscribe, the
member's and the visitor's "Le mie notifiche", the Atom feed of a search (fast tier)."""
from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.alerts.scenario import QUERY, VISITOR, publish_pages, zones

pytestmark = pytest.mark.django_db


def test_search_page_links_to_an_alert_and_a_feed_of_the_same_search(client):
    zones()
    html = client.get("/cerca/?" + QUERY).content.decode()
    escaped = QUERY.replace("&", "&amp;")
    assert f'href="/avvisi/nuovo/?{escaped}"' in html
    assert f'href="/cerca/atom/?{escaped}"' in html


def test_visitor_form_errors_are_italian_and_create_nothing(client):
    from alerts.models import Alert

    answer = client.post(reverse("alerts:create") + "?" + QUERY, {"frequency": "daily", "email": "non-un-indirizzo"})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Inserisci un indirizzo email valido" in text or "indirizzo email valido" in text
    assert "serve il consenso" in text
    assert not Alert.objects.exists() and mail.outbox == []


def test_too_many_unconfirmed_alerts_for_one_address_are_refused(client, django_capture_on_commit_callbacks):
    from alerts.models import Alert
    from alerts.subscriptions import MAX_PENDING_PER_ADDRESS

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(MAX_PENDING_PER_ADDRESS + 1):
            answer = client.post(reverse("alerts:create") + f"?q=parola{n}",
                                 {"frequency": "daily", "email": VISITOR, "consent": "on"})
    assert answer.status_code == 400
    assert Alert.objects.count() == MAX_PENDING_PER_ADDRESS
    assert len(mail.outbox) == MAX_PENDING_PER_ADDRESS


@pytest.mark.parametrize("name", ["alerts:confirm", "alerts:unsubscribe", "alerts:manage"])
def test_altered_links_get_400_and_change_nothing(client, name):
    from alerts import tokens
    from alerts.models import Alert

    alert = Alert.objects.create(email=VISITOR, query="q=lavoro")
    good = {"alerts:confirm": tokens.confirm_token, "alerts:unsubscribe": tokens.alert_token,
            "alerts:manage": lambda a: tokens.manage_token(a.email)}[name](alert)
    answer = client.post(reverse(name, args=[good[:-2] + "xx"]))
    assert answer.status_code == 400
    assert "Link non valido" in answer.content.decode()
    assert Alert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).exists()


def test_one_click_unsubscribe_twice_answers_200_both_times(client):
    from django.utils import timezone

    from alerts import tokens
    from alerts.models import Alert

    alert = Alert.objects.create(email=VISITOR, query="q=lavoro", confirmed_at=timezone.now())
    url = reverse("alerts:unsubscribe", args=[tokens.alert_token(alert)])
    assert "Disattiva" in client.get(url).content.decode()
    assert Alert.objects.filter(pk=alert.pk).exists(), "a GET (a mail scanner) changes nothing"
    for _ in range(2):
        answer = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert answer.status_code == 200
    assert not Alert.objects.exists()


def test_member_manages_alerts_in_le_mie_notifiche(client, member):
    from alerts.models import Alert

    zones()
    assert client.get(reverse("alerts:mine")).status_code == 302, "members only"
    client.force_login(member)
    client.post(reverse("alerts:create") + "?" + QUERY, {"frequency": "daily"})
    alert = Alert.objects.get(user=member)
    assert alert.confirmed and alert.email == member.email
    page = client.get(reverse("alerts:mine")).content.decode()
    assert "Le mie notifiche" in page and "«tirocini inclusione»" in page and "Valdinievole" in page
    client.post(reverse("alerts:mine"), {"alert": str(alert.key), "action": "frequency", f"a{alert.pk}-frequency": "weekly"})
    assert Alert.objects.get(pk=alert.pk).frequency == "weekly"
    assert client.post(reverse("alerts:mine"), {"alert": "non-una-chiave", "action": "delete"}).status_code == 404
    other = Alert.objects.create(email="altra@example.it", query="q=casa")
    assert client.post(reverse("alerts:mine"), {"alert": str(other.key), "action": "delete"}).status_code == 404
    client.post(reverse("alerts:mine"), {"alert": str(alert.key), "action": "delete"})
    assert not Alert.objects.filter(user=member).exists() and Alert.objects.filter(pk=other.pk).exists()


def test_visitor_manages_alerts_by_the_signed_link(client):
    from django.utils import timezone

    from alerts import tokens
    from alerts.models import Alert

    mine = Alert.objects.create(email=VISITOR, query="q=lavoro", confirmed_at=timezone.now())
    Alert.objects.create(email="altra@example.it", query="q=casa", confirmed_at=timezone.now())
    url = reverse("alerts:manage", args=[tokens.manage_token(VISITOR)])
    page = client.get(url).content.decode()
    assert "«lavoro»" in page and "«casa»" not in page
    client.post(url, {"alert": str(mine.key), "action": "delete"})
    assert not Alert.objects.filter(pk=mine.pk).exists()


def test_atom_feed_of_a_search_never_lists_members_only_content(client):
    pages = publish_pages()
    answer = client.get("/cerca/atom/?" + QUERY)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = answer.content.decode()
    assert pages["public"].title in feed and pages["news"].title in feed
    assert pages["members"].title not in feed
    assert pages["other_zone"].title not in feed and pages["other_words"].title not in feed
