"""Editions are kept as sent: the archive and its feed read the stored copy, not today's pages."""
from __future__ import annotations

import datetime

import pytest

from tests.newsletter import factories
from tests.newsletter.conftest import html_of, text_of
from tests.newsletter.factories import aware

# The sending loop manages its own transactions (commit right after the end of SMTP DATA).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def sent_edition(smtp):
    """An edition of a norm and a zona's practice, sent to one general and one zona subscriber."""
    from newsletter import dispatch

    zona = factories.zona("Zona Pisana Test")
    norm = factories.norm("DGR 1627/2024 équipe", aware(datetime.date(2027, 1, 9)))
    practice = factories.practice("Pratica pisana", aware(datetime.date(2027, 1, 9)), zona)
    edition = factories.sendable_edition([norm, practice])
    factories.subscriber("tutti@example.it")
    factories.subscriber("pisa@example.it", zones=[zona])
    dispatch.start_sending(edition)
    received = dict(smtp.wait_for(2))
    edition.refresh_from_db()
    assert edition.status == "sent"
    return edition, practice, received


def test_unpublishing_a_page_keeps_it_in_a_sent_edition(sent_edition, client):
    import feedparser

    edition, practice, _received = sent_edition
    practice.unpublish()
    practice.refresh_from_db()
    assert not practice.live

    web = client.get(edition.get_absolute_url())
    body = web.content.decode()
    assert web.status_code == 200
    assert "Pratica pisana" in body and "Buone pratiche dalle Zone" in body, "the archive shows the edition as sent"
    assert "DGR 1627/2024 équipe" in body
    feed = feedparser.parse(client.get("/newsletter/feed/").content)
    assert feed.bozo == 0
    [entry] = feed.entries
    assert "Pratica pisana" in entry.summary and "DGR 1627/2024 équipe" in entry.summary


def test_stored_copy_is_what_subscribers_received(sent_edition):
    from newsletter.messages import personal_links
    from newsletter.models import Delivery, SegmentRender, Subscriber
    from newsletter.rendering import personalise

    edition, _practice, received = sent_edition
    for address, message in received.items():
        subscriber = Subscriber.objects.get(email=address)
        delivery = Delivery.objects.get(edition=edition, subscriber=subscriber)
        copy = SegmentRender.objects.get(edition=edition, key=delivery.segment_key)
        links = personal_links(subscriber)
        html, text = personalise(copy.html, copy.text, links.preferences_url, links.unsubscribe_url)
        assert html_of(message).replace("\r\n", "\n") == html.replace("\r\n", "\n")
        assert text_of(message).replace("\r\n", "\n") == text.replace("\r\n", "\n")
        titles = [item["title"] for item in copy.items]
        assert all(title in text for title in titles) and titles
        assert all(item["url"].startswith("https://cdp.example.it/") and item["section"] for item in copy.items)
        segment = Delivery.objects.filter(edition=edition, segment_key=copy.key)
        assert copy.recipients_count == segment.count()
        assert copy.sent_count == segment.filter(status="sent").count()
        assert copy.sent_at == edition.sent_at


def test_general_copy_is_stored_when_every_subscriber_chose_a_zona(smtp, client):
    """The public archive shows the general edition: it is kept even if no subscriber received it as such."""
    from newsletter import dispatch
    from newsletter.models import SegmentRender

    zona = factories.zona("Zona Lunigiana Test")
    norm = factories.norm("DGR per tutti", aware(datetime.date(2027, 1, 9)))
    practice = factories.practice("Pratica lunigianese", aware(datetime.date(2027, 1, 9)), zona)
    edition = factories.sendable_edition([norm, practice])
    factories.subscriber("lunigiana@example.it", zones=[zona])
    dispatch.start_sending(edition)
    smtp.wait_for(1)
    general = SegmentRender.objects.get(edition=edition, key="all")
    assert {item["title"] for item in general.items} == {"DGR per tutti", "Pratica lunigianese"}
    assert general.recipients_count == 0
    norm.unpublish()
    body = client.get(edition.get_absolute_url()).content.decode()
    assert "DGR per tutti" in body and "Pratica lunigianese" in body
