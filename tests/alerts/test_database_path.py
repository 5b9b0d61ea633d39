"""Alerts when search runs on the database (fast tier: SQLite or PostgreSQL, eager tasks, locmem mail).

The periodic task asks each confirmed alert's search about the pages published since its last
check: the digest lists exactly those it finds, once; the members-only page reaches the
member only; nothing reaches an unconfirmed address or one that unsubscribed.
"""
from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.alerts.conftest import digest_pages, path_of, unsubscribe_url
from tests.alerts.scenario import QUERY, VISITOR, publish_pages, titles, zones

pytestmark = pytest.mark.django_db


def _parsed(message):
    """A sent Django message as the SMTP sink would see it."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def _digests() -> dict[str, list[str]]:
    return {message.to[0]: digest_pages(_parsed(message)) for message in mail.outbox}


@pytest.fixture
def alerts(member, client, django_capture_on_commit_callbacks):
    from alerts.models import Alert

    zones()
    create_url = reverse("alerts:create") + "?" + QUERY
    with django_capture_on_commit_callbacks(execute=True):
        client.post(create_url, {"frequency": "daily", "email": VISITOR, "consent": "on"})
        client.post(create_url, {"frequency": "daily", "email": "nonconferma@example.it", "consent": "on"})
    confirm_link = next(line for line in mail.outbox[0].body.splitlines() if "/avvisi/conferma/" in line)
    client.post(path_of(confirm_link.strip()))
    client.force_login(member)
    client.post(create_url, {"frequency": "daily"})
    client.logout()
    mail.outbox.clear()
    assert Alert.objects.filter(confirmed_at__isnull=False).count() == 2
    return Alert.objects.all()


def test_database_path_mails_new_matching_pages_once(alerts, member, client):
    from alerts import tasks

    pages = publish_pages()
    assert tasks.run_saved_searches.delay().get() > 0
    assert tasks.send_digests.delay("daily").get() == 2
    assert _digests() == {VISITOR: titles(pages, "public", "news"),
                          member.email: titles(pages, "public", "members", "news")}
    visitor_digest = next(_parsed(m) for m in mail.outbox if m.to == [VISITOR])

    mail.outbox.clear()
    tasks.run_saved_searches.delay()
    later = timezone.now() + timedelta(days=1)
    from alerts import digest

    assert digest.send_digests("daily", now=later) == 0 and mail.outbox == [], "each page once"

    answer = client.post(path_of(unsubscribe_url(visitor_digest)), "List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    more = publish_pages(" bis")
    tasks.run_saved_searches.delay()
    assert digest.send_digests("daily", now=later) == 1
    assert _digests() == {member.email: titles(more, "public", "members", "news")}


def test_page_restricted_after_matching_never_reaches_the_visitor(alerts):
    from alerts import digest, matching
    from tests import builders

    pages = publish_pages()
    matching.run_saved_searches()
    builders.restrict(pages["public"])  # restricted after it matched, before the digest
    digest.send_digests()
    assert _digests()[VISITOR] == titles(pages, "news")


def test_updated_page_is_mailed_again_as_updated(alerts):
    from alerts import digest, matching

    pages = publish_pages()
    matching.run_saved_searches()
    digest.send_digests()
    mail.outbox.clear()
    pages["news"].save_revision().publish()
    matching.run_saved_searches()
    assert digest.send_digests(now=timezone.now() + timedelta(days=1)) == 2
    assert {tuple(v) for v in _digests().values()} == {(pages["news"].title,)}
