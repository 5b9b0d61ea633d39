"""Alerts on Elasticsearch's percolator, eager tasks, mails through the SMTP sink.

A visitor (double opt-in) and a member save the same search; pages are published and the
outbox applies them, which percolates them. The digests list exactly the matching pages, once;
the visitor's never lists the members-only page; the database path, run on the same content,
mails the same digests; after the one-click unsubscribe the visitor gets nothing more.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.alerts.conftest import digest_pages, links_in, path_of, unsubscribe_url
from tests.alerts.scenario import QUERY, VISITOR, publish_pages, titles, zones

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def _digests(smtp) -> dict[str, list[str]]:
    found = {}
    for rcpt, message in smtp.received:
        assert rcpt not in found, f"{rcpt} got two digests in one run"
        found[rcpt] = digest_pages(message)
    return found


def test_saved_search_mails_new_matching_pages_once_and_database_path_agrees(
        es, percolator, member, smtp, client, django_capture_on_commit_callbacks):
    from alerts import digest, matching
    from alerts.percolator import percolator_available
    from alerts.models import Alert, AlertMatch
    from search.indexing import outbox

    es.create()
    zones()
    create_url = reverse("alerts:create") + "?" + QUERY
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(create_url, {"frequency": "daily", "email": VISITOR, "consent": "on"})
    assert answer.status_code == 200
    assert not Alert.objects.get(email=VISITOR).confirmed, "a visitor's alert waits for the confirmation"
    ((rcpt, confirmation),) = smtp.received
    assert rcpt == VISITOR
    (confirm_link,) = [link for link in links_in(confirmation) if "/avvisi/conferma/" in link]
    assert client.post(path_of(confirm_link)).status_code == 200
    assert Alert.objects.get(email=VISITOR).confirmed

    client.force_login(member)
    assert client.post(create_url, {"frequency": "daily"}).status_code == 302
    client.logout()
    if percolator_available():  # the harness node has no percolator module: the alerts are searched instead
        assert percolator.client.count(index=percolator.read_alias)["count"] == 2
    smtp.reset()

    pages = publish_pages()
    es.drain()  # what the after-commit task does: apply the outbox, which percolates
    assert digest.send_digests() == 2
    first = _digests(smtp)
    print(f"\nElasticsearch digests: {first}")
    assert first == {VISITOR: titles(pages, "public", "news"),
                     member.email: titles(pages, "public", "members", "news")}
    (visitor_digest,) = [m for r, m in smtp.received if r == VISITOR]
    assert visitor_digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # once: nothing new to send; re-indexing the same published state finds nothing new
    smtp.reset()
    outbox.record([p.pk for p in pages.values()])
    es.drain()
    assert AlertMatch.objects.filter(sent_at__isnull=True).count() == 0
    assert digest.send_digests(now=timezone.now() + timedelta(days=2)) == 0 and smtp.received == []

    # the database path, asked about the same pages, mails the same digests
    AlertMatch.objects.all().delete()
    Alert.objects.update(checked_until=None, last_sent_at=None)
    assert matching.run_saved_searches() > 0
    assert digest.send_digests() == 2
    assert _digests(smtp) == first

    # one click (RFC 8058) and the visitor gets nothing more; the member still does
    smtp.reset()
    answer = client.post(path_of(unsubscribe_url(visitor_digest)), "List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    assert not Alert.objects.filter(email=VISITOR).exists()
    later = publish_pages(" (seconda edizione)")
    es.drain()
    assert digest.send_digests() == 0, "a daily digest waits for its day"
    assert digest.send_digests(now=timezone.now() + timedelta(days=1)) == 1
    assert _digests(smtp) == {member.email: titles(later, "public", "members", "news")}
