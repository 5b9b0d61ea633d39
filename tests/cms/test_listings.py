"""Index pages: filters, pagination, bad filter values, a query count independent of the page size."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import builders

pytestmark = pytest.mark.django_db


def _titles(response):
    return [item.title for item in response.context["items"]]


def test_practice_filters(client, site_tree):
    parent = site_tree["buone-pratiche"]
    a = builders.practice(parent=parent, zona_obj=builders.zona("val-di-nievole"), topics=[builders.topic("abitare")], evaluation_level="promettente",
                   period_start=date(2023, 6, 1))
    b = builders.practice(parent=parent, zona_obj=builders.zona("mugello"), topics=[builders.topic("disabilita")], evaluation_level="buona_pratica",
                   period_start=date(2021, 1, 1))
    c = builders.practice(parent=parent, zona_obj=builders.zona("senese"), topics=[builders.topic("abitare"), builders.topic("disabilita")],
                   period_start=date(2021, 3, 1))
    url = parent.url
    assert set(_titles(client.get(url))) == {a.title, b.title, c.title}
    assert _titles(client.get(url, {"zona": "mugello"})) == [b.title]
    assert set(_titles(client.get(url, {"ausl": "centro"}))) == {a.title, b.title}
    assert set(_titles(client.get(url, {"topic": "abitare"}))) == {a.title, c.title}
    assert set(_titles(client.get(url, {"year": "2021"}))) == {b.title, c.title}
    assert _titles(client.get(url, {"level": "promettente"})) == [a.title]
    assert _titles(client.get(url, {"topic": "disabilita", "ausl": "sud-est"})) == [c.title]
    response = client.get(url)
    assert [y for y, _l in response.context["listing"].form.fields["year"].choices if y] == [2023, 2021]


def test_seminar_norm_workshop_data_news_filters(client, site_tree):
    now = timezone.now()
    past = builders.seminar(parent=site_tree["seminari"], start=now - timedelta(days=400), zones=[builders.zona("elba")], format="in_presenza")
    future = builders.seminar(parent=site_tree["seminari"], start=now + timedelta(days=20), zones=[builders.zona("mugello")], format="online")
    url = site_tree["seminari"].url
    assert _titles(client.get(url, {"when": "upcoming"})) == [future.title]
    assert _titles(client.get(url, {"when": "past"})) == [past.title]
    assert _titles(client.get(url, {"ausl": "nord-ovest"})) == [past.title]
    assert _titles(client.get(url, {"format": "online"})) == [future.title]
    assert _titles(client.get(url, {"year": str(timezone.localtime(past.start).year)})) == [past.title]

    q = site_tree["quadro-normativo"]
    dgr = builders.norm(parent=q, kind="DGR", number="544", date=date(2023, 5, 15))
    lr = builders.norm(parent=q, kind="L.R.", number="40", date=date(2005, 2, 24), status="modificata")
    assert _titles(client.get(q.url, {"kind": "L.R."})) == [lr.title]
    assert _titles(client.get(q.url, {"status": "modificata"})) == [lr.title]
    assert _titles(client.get(q.url, {"year": "2023"})) == [dgr.title]
    timeline = client.get(q.url).content.decode()
    assert 'id="year-2023"' in timeline and 'id="year-2005"' in timeline
    assert timeline.index('id="year-2023"') < timeline.index('id="year-2005"')

    w1 = builders.workshop(parent=site_tree["laboratori"], sessions=[timezone.make_aware(timezone.datetime(2021, 3, 1, 10))], zones=[builders.zona("pratese")])
    w2 = builders.workshop(parent=site_tree["laboratori"], sessions=[timezone.make_aware(timezone.datetime(2024, 3, 1, 10))], zones=[builders.zona("elba")])
    assert _titles(client.get(site_tree["laboratori"].url, {"year": "2021"})) == [w1.title]
    assert _titles(client.get(site_tree["laboratori"].url, {"zona": "elba"})) == [w2.title]

    d1 = builders.data(parent=site_tree["dati"], zona=builders.zona("pistoiese"))
    builders.data(parent=site_tree["dati"])
    assert _titles(client.get(site_tree["dati"].url, {"zona": "pistoiese"})) == [d1.title]

    n1 = builders.news(parent=site_tree["notizie"], date=date(2022, 1, 1), topics=[builders.topic("migrazioni")])
    builders.news(parent=site_tree["notizie"], date=date(2023, 1, 1))
    assert _titles(client.get(site_tree["notizie"].url, {"topic": "migrazioni"})) == [n1.title]
    assert _titles(client.get(site_tree["notizie"].url, {"year": "2022"})) == [n1.title]


def test_invalid_filters_answer_400_in_italian(client, site_tree):
    builders.practice(parent=site_tree["buone-pratiche"])
    response = client.get(site_tree["buone-pratiche"].url, {"year": "duemila", "zona": "atlantide"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Alcuni filtri non sono validi" in content
    assert "Scegli un&#x27;opzione valida" in content or "Scegli un'opzione valida" in content


def test_pagination(client, site_tree):
    parent = site_tree["notizie"]
    for day in range(1, 16):
        builders.news(parent=parent, date=date(2024, 1, day))
    first = client.get(parent.url, {"per_page": 12})
    assert len(first.context["items"]) == 12 and first.context["items"].paginator.num_pages == 2
    second = client.get(parent.url, {"per_page": 12, "page": 2, "topic": ""})
    assert len(second.context["items"]) == 3
    assert 'rel="prev"' in second.content.decode() and "topic=" in second.content.decode()
    beyond = client.get(parent.url, {"page": 99})
    assert beyond.status_code == 200 and beyond.context["items"].number == 2
    assert client.get(parent.url, {"per_page": 7}).status_code == 400  # not one of the offered sizes
    parent.page_size = 5
    parent.save_revision().publish()
    assert len(client.get(parent.url).context["items"]) == 5


def test_every_page_of_a_listing_once_in_order_deep_pages_read_backwards(client, site_tree):
    """Pages in the second half are read from the end: same items, same order as reading forwards."""
    parent = site_tree["buone-pratiche"]
    for n in range(29):  # ties on the date: only the total order (pk last) keeps both directions consistent
        builders.practice(parent=parent, title=f"Pratica {n:02d}", period_start=date(2022, 1 + n % 3, 1))
    pages = [_titles(client.get(parent.url, {"per_page": 12, "page": p})) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [12, 12, 5]
    flat = [t for p in pages for t in p]
    assert len(set(flat)) == 29
    from cms.models.listing import filtered
    from cms.models import PracticePage

    assert flat == [p.title for p in filtered(PracticePage, None, parent).queryset]
    builders.practice(parent=parent, title="Pratica nuova", period_start=date(2020, 1, 1))  # the kept count follows publication
    assert _titles(client.get(parent.url, {"per_page": 12, "page": 3}))[-1] == "Pratica nuova"


def _count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["items"])


BUILDERS = {
    "buone-pratiche": lambda p, i: builders.practice(parent=p, zona_obj=builders.zona(["mugello", "pratese", "elba"][i % 3]),
                                              topics=[builders.topic("abitare"), builders.topic("disabilita")], tags=["x"]),
    "seminari": lambda p, i: builders.seminar(parent=p, start=builders.in_days(10), zones=[builders.zona("mugello"), builders.zona("elba")], topics=[builders.topic("abitare")]),
    "laboratori": lambda p, i: builders.workshop(parent=p, sessions=[builders.in_days(5)], zones=[builders.zona("mugello")], topics=[builders.topic("abitare")]),
    "quadro-normativo": lambda p, i: builders.norm(parent=p, topics=[builders.topic("abitare")], date=date(2000 + i % 20, 1, 2)),
    "dati": lambda p, i: builders.data(parent=p, zona=builders.zona("elba") if i % 2 else None, topics=[builders.topic("abitare")]),
    "notizie": lambda p, i: builders.news(parent=p, zones=[builders.zona("elba")], topics=[builders.topic("abitare")]),
}


@pytest.mark.parametrize("slug", list(BUILDERS))
def test_query_count_does_not_grow_with_page_size(client, site_tree, slug, django_assert_max_num_queries):
    parent = site_tree[slug]
    for i in range(30):
        BUILDERS[slug](parent, i)
    client.get(parent.url)  # warm caches (site root paths, content types)
    small, shown_small = _count(client, parent.url, {"per_page": 12})
    large, shown_large = _count(client, parent.url, {"per_page": 48})
    assert (shown_small, shown_large) == (12, 30)
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(parent.url, {"per_page": 24})
    client.get(parent.url, {"topic": "abitare"})  # warm: the filtered count is kept until the content changes
    filtered_small, _n = _count(client, parent.url, {"per_page": 12, "topic": "abitare"})
    filtered_large, _n = _count(client, parent.url, {"per_page": 96, "topic": "abitare"})
    assert filtered_small == filtered_large


def test_page_window_is_short_however_many_pages():
    from django.core.paginator import Paginator

    from cms.templatetags.cms_tags import page_window

    page = Paginator(range(100_000), 12).page(7500)
    window = list(page_window(page))
    assert window[0] == 1 and window[-1] == 8334 and 7500 in window
    assert len(window) <= 9 and window.count(Paginator.ELLIPSIS) == 2
