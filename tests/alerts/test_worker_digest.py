"""The whole path through the real Celery worker, Redis, PostgreSQL, Elasticsearch and the SMTP sink.

Publishing commits an outbox row; the worker applies it and percolates the documents; the
digest task, queued like the beat queues it, mails the matches; the visitor's confirmation
mail is sent by the worker too.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.alerts.conftest import digest_pages, links_in, path_of
from tests.alerts.scenario import QUERY, VISITOR, publish_pages, titles, zones
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_percolates_published_pages_and_mails_the_digest(
        postgres_required, es, percolator, member, celery_worker, smtp, client):
    from alerts import tasks
    from alerts.models import Alert, AlertMatch
    from search.models import OutboxEntry

    es.create()
    zones()
    create_url = reverse("alerts:create") + "?" + QUERY
    assert client.post(create_url, {"frequency": "weekly", "email": VISITOR, "consent": "on"}).status_code == 200
    confirmation = smtp.wait_for(1, timeout=60)[0][1]  # sent by the worker
    (confirm_link,) = [link for link in links_in(confirmation) if "/avvisi/conferma/" in link]
    assert client.post(path_of(confirm_link)).status_code == 200
    client.force_login(member)
    assert client.post(create_url, {"frequency": "weekly"}).status_code == 302
    smtp.reset()

    pages = publish_pages()
    wait_for(lambda: not OutboxEntry.objects.filter(processed_at__isnull=True).exists(), 60, "the outbox applied")
    wait_for(lambda: AlertMatch.objects.count() >= 5, 30, "the matches of both alerts")
    tasks.send_digests.delay("weekly")
    received = smtp.wait_for(2, timeout=60)
    digests = {rcpt: digest_pages(message) for rcpt, message in received}
    print(f"\ndigests through the worker: {digests}")
    assert digests == {VISITOR: titles(pages, "public", "news"),
                       member.email: titles(pages, "public", "members", "news")}
    # the matches are marked sent when the digest's transaction commits, just after the SMTP answer
    wait_for(lambda: Alert.objects.filter(last_sent_at__isnull=False).count() == 2, 30, "both alerts marked sent")
    assert not AlertMatch.objects.filter(sent_at__isnull=True).exists()
