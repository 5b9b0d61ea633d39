"""Practices that travel (issue 19, item 3): a member records that another zona adopted a
practice; a moderator approves it in the admin (who and when are kept); the record then shows on
the practice and on both zones' pages, and the practice counts under the adopting zona in the
search facets, on the database and on Elasticsearch. Nothing shows before approval, and a
members-only practice never reaches a visitor through a zona page."""
from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import make_member
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(db):
    origin = builders.zona("val-di-nievole", "Val di Nievole")
    return builders.practice("Sportello unico sociale e lavoro", "Un punto di accesso per sociale e lavoro.", zona_obj=origin)


@pytest.fixture
def mugello(db):
    from cms.models import Zona

    return Zona.objects.get(name="Mugello")


def _member_client(email="operatrice.mugello@sds.example.it", **kwargs):
    client = Client(raise_request_exception=False)
    client.force_login(make_member(email, **kwargs))
    return client


def _record(client, practice, zona, **overrides):
    data = {"zona": zona.pk, "since": "2025-03-01", "changes": "Aperto due giorni a settimana nei comuni montani.",
            "contact": "Ufficio di piano, ufficiodipiano@sds-mugello.example.it", **overrides}
    return client.post(reverse("adoptions:record", args=[practice.pk]), data)


def _approve(adoption, moderator_email="moderatrice@regione.example.it"):
    moderator = make_member(moderator_email, groups=("Moderatore",))
    client = Client(raise_request_exception=False)
    client.force_login(moderator)
    url = reverse("wagtailsnippets_adoptions_adoption:edit", args=[adoption.pk])
    form = {"practice": adoption.practice_id, "zona": adoption.zona_id, "since": adoption.since.isoformat(),
            "changes": adoption.changes, "contact": adoption.contact, "status": "approved"}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    adoption.refresh_from_db()
    return moderator


def test_a_member_records_an_adoption_a_moderator_approves_it_and_both_zones_show_it(practice, mugello):
    from adoptions.models import Adoption

    member = _member_client()
    form = member.get(reverse("adoptions:record", args=[practice.pk])).content.decode()
    assert "Mugello" in form and ">Val di Nievole<" not in form, "the practice's own zona is not a choice"
    answer = _record(member, practice, mugello)
    assert answer.status_code == 200 and "Segnalazione ricevuta" in answer.content.decode()
    adoption = Adoption.objects.get()
    assert adoption.status == "pending" and adoption.submitted_by.email == "operatrice.mugello@sds.example.it"

    visitor = Client()
    assert "Adottata anche in" in visitor.get(practice.url).content.decode()
    assert "Aperto due giorni" not in visitor.get(practice.url).content.decode(), "nothing shows before moderation"
    assert "Pratiche che viaggiano" not in visitor.get(mugello.get_absolute_url()).content.decode()

    moderator = _approve(adoption)
    assert adoption.status == "approved" and adoption.moderated_by == moderator and adoption.moderated_at is not None

    on_practice = visitor.get(practice.url).content.decode()
    assert "Aperto due giorni a settimana nei comuni montani." in on_practice and "Ufficio di piano" in on_practice
    assert mugello.get_absolute_url() in on_practice
    adopting = visitor.get(mugello.get_absolute_url()).content.decode()
    assert "Adottate da questa zona" in adopting and practice.title in adopting
    origin = visitor.get(practice.zona.get_absolute_url()).content.decode()
    assert "Pratiche di questa zona adottate altrove" in origin and "Mugello" in origin


def test_the_practice_counts_under_the_adopting_zona_on_the_database_search(practice, mugello, settings):
    from adoptions.models import Adoption
    from search.querying.contract import SearchRequest
    from search.querying.database import DatabaseBackend

    settings.ELASTICSEARCH_URLS = []

    def in_mugello():
        result = DatabaseBackend().search(SearchRequest(filters={"zona": ("mugello",)}))
        counts = {v.value: v.count for facet in result.facets for v in facet.values if facet.name == "zona"}
        return [h.page_id for h in result.hits], counts

    assert in_mugello()[0] == []
    adoption = Adoption.objects.create(practice=practice, zona=mugello, since=datetime.date(2025, 3, 1), changes="Adattata.")
    assert in_mugello()[0] == [], "a record waiting for moderation counts nowhere"
    _approve(adoption)
    hits, counts = in_mugello()
    assert hits == [practice.pk] and counts.get("mugello") == 1 and counts.get("val-di-nievole") == 1


@pytest.mark.services
def test_the_practice_counts_under_the_adopting_zona_on_elasticsearch(es, practice, mugello):
    from adoptions.models import Adoption

    es.create()
    es.drain()
    assert practice.pk not in es.ids("", filters={"zona": ("mugello",)})
    adoption = Adoption.objects.create(practice=practice, zona=mugello, since=datetime.date(2025, 3, 1), changes="Adattata.")
    _approve(adoption)
    es.drain()
    assert es.ids("", filters={"zona": ("mugello",)}) == [practice.pk]
    assert [z["slug"] for z in es.document(practice.pk)["zones"]] == ["val-di-nievole", "mugello"]
    adoption.delete()  # withdrawn: the practice leaves the zona's facet
    es.drain()
    assert es.ids("", filters={"zona": ("mugello",)}) == []


def test_a_members_only_practice_is_never_shown_to_a_visitor_through_a_zona(practice, mugello):
    from wagtail.models import PageViewRestriction

    from adoptions.models import Adoption

    adoption = Adoption.objects.create(practice=practice, zona=mugello, since=datetime.date(2025, 3, 1), changes="Adattata.")
    _approve(adoption)
    builders.restrict(practice, PageViewRestriction.LOGIN)
    assert practice.title not in Client().get(mugello.get_absolute_url()).content.decode()
    assert practice.title in _member_client("altra.operatrice@sds.example.it").get(mugello.get_absolute_url()).content.decode()


def test_bad_or_unauthorised_requests_get_a_clear_answer(practice, mugello):
    from adoptions.models import Adoption

    url = reverse("adoptions:record", args=[practice.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    unverified = _member_client("non.verificata@example.it", verified=False)
    assert unverified.get(url).status_code == 403
    member = _member_client()
    assert member.get(reverse("adoptions:record", args=[999999])).status_code == 404
    assert member.get("/adozioni/99999999999999999999999/").status_code == 404  # beyond any id (portal.ids)
    empty = member.post(url, {})
    assert empty.status_code == 400 and "Questo campo è obbligatorio" in empty.content.decode()
    own = _record(member, practice, practice.zona)
    assert own.status_code == 400, "the practice's own zona cannot adopt it"
    assert _record(member, practice, mugello).status_code == 200
    again = _record(member, practice, mugello)
    assert again.status_code == 400 and "già stata segnalata" in again.content.decode()
    assert Adoption.objects.count() == 1


def test_moderators_see_the_records_waiting_and_referents_cannot_moderate(practice, mugello):
    from adoptions.models import Adoption

    Adoption.objects.create(practice=practice, zona=mugello, since=datetime.date(2025, 3, 1), changes="Adattata.")
    moderator = Client()
    moderator.force_login(make_member("moderatore.home@regione.example.it", groups=("Moderatore",)))
    home = moderator.get("/admin/").content.decode()
    assert "Adozioni da verificare" in home and "Sportello unico sociale e lavoro → Mugello" in home
    referent = Client(raise_request_exception=False)
    referent.force_login(make_member("referente.home@sds.example.it", groups=("Referente di Zona",)))
    assert referent.get(reverse("wagtailsnippets_adoptions_adoption:list")).status_code in (302, 403)


@pytest.mark.services
def test_a_practice_covering_other_zones_or_the_region_counts_under_them_on_elasticsearch(es, practice, mugello):
    """Practices that travel by coverage (``other_zones``, ``covers_whole_region``), on the real
    Elasticsearch: the zona facet finds them under every zona they cover, as on the database."""
    from cms.models import PracticePage, Zona

    regional = builders.practice("Protocollo regionale per l'équipe", zona_obj=practice.zona, covers_whole_region=True)
    shared = builders.practice("Servizio condiviso con il Mugello", zona_obj=practice.zona, publish=False)
    shared.other_zones.set([mugello])
    shared.save_revision().publish()
    es.create()
    es.drain()
    assert sorted(es.ids("", filters={"zona": ("mugello",)})) == sorted([shared.pk, regional.pk])
    assert es.ids("", filters={"zona": ("elba",)}) == [regional.pk], "a region-wide practice counts under every zona"
    assert [z["slug"] for z in es.document(shared.pk)["zones"]] == ["val-di-nievole", "mugello"]
    assert len(es.document(regional.pk)["zones"]) == Zona.objects.count() == 28
    assert PracticePage.objects.get(pk=shared.pk).other_zones.get() == mugello
