"""What each segment receives (issue 16, item 2): never an empty edition, always the framework.

The defect: subscribers who chose certain topics got an edition with no items under an
editorial describing content they did not get, and choosing any topic dropped the regional
norms and data, the newsletter's reason to exist.
"""
from __future__ import annotations

import datetime
from html import unescape

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware

pytestmark = pytest.mark.django_db

IN_WINDOW = aware(datetime.date(2027, 1, 20))


@pytest.fixture
def topical_edition():
    lavoro, casa, salute = factories.topic("Lavoro test"), factories.topic("Casa test"), factories.topic("Salute test")
    zona = factories.zona("Zona Valdinievole Test")
    pages = {
        "norm": factories.norm("DGR 544/2023 integrazione sociale-lavoro", IN_WINDOW, m2m={"topics": [lavoro]}),
        "data": factories.data("Beneficiari per Zona", IN_WINDOW, m2m={"topics": [casa]}),
        "practice": factories.practice("Équipe unica SIIL", IN_WINDOW, zona, m2m={"topics": [lavoro]}),
        "news": factories.news("Bando casa", IN_WINDOW, m2m={"topics": [casa]}),
    }
    edition = factories.sendable_edition(pages.values())
    edition.editorial = "<p>In questo numero: la pratica della Valdinievole e il bando casa.</p>"
    edition.save()
    return edition, {"lavoro": lavoro, "casa": casa, "salute": salute, "zona": zona}, pages


def _titles(rendered) -> str:
    return unescape(rendered.html) + rendered.text


def test_choosing_a_topic_keeps_the_norms_and_data_sections(topical_edition):
    from newsletter.editions import Preferences
    from newsletter.rendering import render_edition

    edition, taxonomy, pages = topical_edition
    for_casa = render_edition(edition, Preferences(topic_ids=frozenset({taxonomy["casa"].pk})))
    body = _titles(for_casa)
    assert "DGR 544/2023 integrazione sociale-lavoro" in body, "the norms are for everyone, whatever the topic"
    assert "Beneficiari per Zona" in body and "Bando casa" in body
    assert "Équipe unica SIIL" not in body, "the rest follows the topics chosen"
    assert for_casa.is_partial and for_casa.items_count == 3


def test_topic_with_nothing_of_its_own_gets_the_general_edition_not_an_empty_one(topical_edition):
    from newsletter.editions import Preferences
    from newsletter.rendering import render_edition

    edition, taxonomy, pages = topical_edition
    full = render_edition(edition)
    for_salute = render_edition(edition, Preferences(topic_ids=frozenset({taxonomy["salute"].pk})))
    body = _titles(for_salute)
    for page in pages.values():
        assert page.title in body
    assert for_salute.items_count == full.items_count == len(pages)
    assert not for_salute.is_partial


def test_every_segment_of_the_subscribers_gets_items_and_the_framework(topical_edition):
    from newsletter import delivery_rows
    from newsletter.models import Edition, SegmentRender

    edition, taxonomy, pages = topical_edition
    choices = [(), (taxonomy["lavoro"],), (taxonomy["casa"],), (taxonomy["salute"],),
               (taxonomy["lavoro"], taxonomy["salute"])]
    for n, topics in enumerate(choices):
        factories.subscriber(f"lettore{n}@example.it", topics=topics)
    factories.subscriber("zona@example.it", zones=[taxonomy["zona"]], topics=[taxonomy["salute"]])
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING)

    delivery_rows.fan_out(edition)

    renders = list(SegmentRender.objects.filter(edition=edition))
    assert len(renders) == len(choices) + 1
    for render in renders:
        assert render.items_count > 0, render.key
        assert "DGR 544/2023 integrazione sociale-lavoro" in render.text, render.key
        assert "Beneficiari per Zona" in render.text, render.key


def test_edition_with_nothing_new_is_flagged_to_editors_and_not_sent(admin_client):
    from newsletter import dispatch
    from newsletter.models import Edition

    gone = factories.norm("Norma poi ritirata", IN_WINDOW)
    edition = factories.sendable_edition([gone])
    gone.unpublish()  # the edition's only item is no longer mailable: nothing new to send
    factories.subscriber("lettore@example.it")

    with pytest.raises(dispatch.EmptyEdition):
        dispatch.start_sending(edition)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED

    manage = admin_client.get(f"/admin/newsletter/edition/manage/{edition.pk}/")
    assert "Nessun contenuto nuovo" in manage.content.decode()
    response = admin_client.post(f"/admin/newsletter/edition/action/{edition.pk}/send/", {"confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert "Nessun contenuto nuovo" in response.content.decode()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED and edition.recipients_count == 0
