"""Related content ("Contenuti correlati"): search.service.related_pages on both backends, and its block.

The precision on the judged pairs is measured in test_relevance.py; here, on small hand-made
corpora, what the block must always do: list pages like this one, never the page itself, never a
members-only page to a visitor (but to a member), at most four, and follow publications.
"""
from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from search import service
from tests import builders


def _titles(pages) -> list[str]:
    return [p.title for p in pages]


@pytest.fixture
def corpus(db):
    """A practice and an act about the same thing, pages like it (one members-only), and unrelated pages."""
    work = builders.topic("lavoro", "Integrazione sociale e lavoro")
    house = builders.topic("abitare", "Abitare")
    nievole = builders.zona("val-di-nievole", "Val di Nievole")
    elsewhere = builders.zona("lunigiana", "Lunigiana")
    act = builders.norm(
        "Linee guida per l'integrazione tra servizi sociali e centri per l'impiego", "544", date(2023, 5, 15),
        summary="La delibera regola l'équipe unica sociale-lavoro tra servizi sociali e centri per l'impiego.",
        topics=[work],
    )
    pages = {
        "act": act,
        "practice": builders.practice(
            "Équipe unica sociale-lavoro in Valdinievole",
            "Servizi sociali e centri per l'impiego valutano insieme le persone in una équipe unica.",
            zona_obj=nievole, topics=[work], norms=[act],
            body="La scheda unica di segnalazione e il patto di inclusione condiviso tra servizi sociali e centri per l'impiego.",
        ),
        "seminar": builders.seminar(
            "Servizi sociali e centri per l'impiego: l'équipe unica",
            "Come lavorano insieme servizi sociali e centri per l'impiego nell'équipe unica sociale-lavoro.",
            zones=[nievole], topics=[work], norms=[act],
            body="Il patto di inclusione e la scheda unica di segnalazione raccontati dalle zone.",
        ),
        "members": builders.news(
            "Verbale riservato dell'équipe unica sociale-lavoro",
            "Servizi sociali e centri per l'impiego: il verbale dell'équipe unica sulla scheda unica di segnalazione.",
            zones=[nievole], topics=[work], norms=[act],
        ),
        "unrelated": builders.practice(
            "Contributi per l'affitto delle famiglie",
            "Un fondo comunale per il canone di locazione delle famiglie in difficoltà abitativa.",
            zona_obj=elsewhere, topics=[house], body="Graduatorie, canone concordato e morosità incolpevole.",
        ),
        "unrelated_news": builders.news(
            "Nuovi alloggi di edilizia residenziale pubblica", "Case popolari assegnate in Lunigiana.",
            zones=[elsewhere], topics=[house],
        ),
    }
    builders.restrict(pages["members"])
    return pages


def _check_visibility(corpus, member):
    """The pages like the practice come first (a tiny corpus may fill the rest with weaker matches)."""
    practice = corpus["practice"]
    seen_by_visitor = _titles(service.related_pages(practice, AnonymousUser()))
    seen_by_member = _titles(service.related_pages(practice, member))
    assert set(seen_by_visitor[:2]) == {corpus["seminar"].title, corpus["act"].title}
    assert corpus["members"].title not in seen_by_visitor
    assert set(seen_by_member[:3]) == {corpus["seminar"].title, corpus["act"].title, corpus["members"].title}
    for seen in (seen_by_visitor, seen_by_member):
        assert practice.title not in seen
        assert corpus["unrelated_news"].title not in seen  # not a word, act, area or zona in common
        assert len(seen) <= 4
    return seen_by_visitor, seen_by_member


# --- Elasticsearch ------------------------------------------------------------------------------
@pytest.mark.services
def test_elasticsearch_related_lists_similar_pages_and_members_only_pages_to_members_only(es, corpus, member, monkeypatch):
    from search.querying import related

    es.drain()
    asked = []
    original = related.elasticsearch_related
    monkeypatch.setattr("search.service.elasticsearch_related",
                        lambda *a, **kw: asked.append(kw) or original(*a, **kw))
    _check_visibility(corpus, member)
    assert asked == [{"members": False}, {"members": True}], "the answer did not come from Elasticsearch"


@pytest.mark.services
def test_elasticsearch_related_of_a_norm_lists_the_pages_citing_it(es, corpus):
    es.drain()
    ids = _titles(service.related_pages(corpus["act"], AnonymousUser()))
    assert ids[:2] and set(ids[:2]) == {corpus["practice"].title, corpus["seminar"].title}
    assert corpus["members"].title not in ids


@pytest.mark.services
def test_elasticsearch_more_like_this_query_excludes_the_page_and_restricted_pages_for_visitors(corpus):
    from search.querying.related import more_like_this_body

    page = corpus["practice"]
    visitor = more_like_this_body(page, "idx", members=False)["query"]["bool"]
    member = more_like_this_body(page, "idx", members=True)["query"]["bool"]
    assert {"ids": {"values": [str(page.pk)]}} in visitor["must_not"]
    assert {"term": {"restricted": False}} in visitor["filter"]
    assert member["filter"] == []
    like = visitor["should"][0]["more_like_this"]
    assert like["like"] == [{"_index": "idx", "_id": str(page.pk)}]


# --- the database (what `make run` shows) ----------------------------------------------------------
def test_database_related_lists_pages_sharing_norms_topics_and_zona(corpus, member):
    seen_by_visitor, _ = _check_visibility(corpus, member)
    assert corpus["unrelated"].title not in seen_by_visitor  # nothing shared
    # the seminar shares the act, the area and the zona: more than the act itself (act and area)
    assert seen_by_visitor[0] == corpus["seminar"].title


def test_database_related_newest_first_among_equals(db):
    topic = builders.topic("reti", "Reti")
    page = builders.news("Una notizia sulle reti", topics=[topic])
    older = builders.news("Notizia meno recente", topics=[topic], day=date(2020, 1, 1))
    newer = builders.news("Notizia più recente", topics=[topic], day=date(2024, 1, 1))
    assert _titles(service.related_pages(page, AnonymousUser())) == [newer.title, older.title]


def test_database_related_at_most_four(db):
    topic = builders.topic("reti", "Reti")
    page = builders.news("Una notizia sulle reti", topics=[topic])
    for n in range(6):
        builders.news(f"Altra notizia {n}", topics=[topic])
    assert len(service.related_pages(page, AnonymousUser())) == 4


def test_database_related_follows_publications(corpus):
    """The database answer is kept until the content changes: a new page appears at once."""
    topic = builders.topic("lavoro")
    page = corpus["unrelated"]
    before = _titles(service.related_pages(page, AnonymousUser()))
    newcomer = builders.news("Affitti e lavoro in Lunigiana", zones=[builders.zona("lunigiana")], topics=[topic],
                            day=date(2030, 1, 1))
    after = _titles(service.related_pages(page, AnonymousUser()))
    assert newcomer.title not in before
    assert newcomer.title in after
    newcomer.unpublish()
    assert newcomer.title not in _titles(service.related_pages(page, AnonymousUser()))


# --- the block on the detail pages -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["practice", "seminar", "act"])
def test_detail_page_shows_the_related_block_as_cards(client, corpus, name):
    response = client.get(corpus[name].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-labelledby="related-heading"' in html
    assert "Contenuti correlati" in html
    section = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="card ') <= 4
    others = {"practice", "seminar", "act"} - {name}
    for other in others:
        assert f'href="{corpus[other].url}"' in section
    assert f'href="{corpus["members"].url}"' not in section
    assert "Contenuti collegati" not in html  # the old same-type block is replaced, not doubled


def test_members_see_members_only_pages_in_the_block(client, corpus, member):
    client.force_login(member)
    html = client.get(corpus["practice"].url).content.decode()
    section = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="{corpus["members"].url}"' in section


def test_workshop_page_shows_the_related_block(client, db):
    topic = builders.topic("reti", "Reti")
    workshop = builders.workshop("Laboratorio sulle reti")
    workshop.topics.set([topic])
    workshop.save_revision().publish()
    other = builders.news("Notizia sulle reti", topics=[topic])
    html = client.get(workshop.url).content.decode()
    section = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="{other.url}"' in section


def test_no_block_when_nothing_is_related(client, db):
    page = builders.practice("Una pratica senza legami", zona_obj=builders.zona("solitaria"))
    html = client.get(page.url).content.decode()
    assert "Contenuti correlati" not in html


def test_related_falls_back_to_the_database_when_elasticsearch_does_not_answer(corpus, member, settings,
                                                                                dead_elasticsearch_url):
    from search.engine import client

    settings.ELASTICSEARCH_URLS = [dead_elasticsearch_url]
    client.reset()
    seen_by_visitor, _ = _check_visibility(corpus, member)
    assert corpus["unrelated"].title not in seen_by_visitor  # the database answer: nothing shared
