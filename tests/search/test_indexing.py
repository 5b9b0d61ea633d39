"""Indexing that loses nothing, on the harness's Elasticsearch 8.19 node: every change reaches the index through the outbox."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from search.engine import client as search_client
from search.indexing.outbox import apply_pending
from search.models import OutboxEntry
from tests import builders
from tests.search.pdf import pdf_with_text

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_publish_found_unpublish_gone_republish_found_delete_gone(es):
    es.create()
    page = builders.practice("Orto sociale di quartiere", "Coltivare insieme per l'inclusione.")
    es.drain()
    assert es.ids("orto sociale") == [page.pk]

    page.unpublish()
    es.drain()
    assert es.document(page.pk) is None and es.ids("orto sociale") == []

    page.save_revision().publish()
    es.drain()
    assert es.ids("orto sociale") == [page.pk]

    page.delete()
    es.drain()
    assert es.document(page.pk) is None and es.count() == 0


@pytest.mark.django_db
def test_drafts_are_never_indexed(es):
    es.create()
    builders.practice("Bozza mai pubblicata sulla ciclofficina", "ciclofficina", publish=False)
    live = builders.practice("Sportello casa", "Aiuto per l'affitto.")
    es.drain()
    assert es.ids("ciclofficina") == [] and es.count() == 1

    # a new draft of a live page: the index keeps the published version
    draft = live.get_latest_revision_as_object()
    draft.title = "Sportello casa e ciclofficina"
    draft.save_revision()
    es.drain()
    assert es.document(live.pk)["title"] == "Sportello casa"
    assert es.ids("ciclofficina") == []


@pytest.mark.django_db
def test_private_pages_hidden_from_anonymous_and_password_pages_from_everyone(es):
    es.create()
    page = builders.practice("Verbali del tavolo di coordinamento", "verbali riservati")
    es.drain()
    assert es.ids("verbali") == [page.pk]

    restriction = builders.restrict(page, PageViewRestriction.LOGIN)
    es.drain()
    assert es.ids("verbali") == []
    assert es.ids("verbali", user_is_member=True) == [page.pk]

    restriction.delete()
    builders.restrict(page.get_parent(), PageViewRestriction.PASSWORD, password="x")  # an ancestor counts
    es.drain()
    assert es.document(page.pk) is None
    assert es.ids("verbali", user_is_member=True) == []

    PageViewRestriction.objects.all().delete()
    es.drain()
    assert es.ids("verbali") == [page.pk]


@pytest.mark.django_db
def test_moves_and_slug_changes_update_urls(es):
    from cms.models import PracticeIndexPage

    es.create()
    page = builders.practice("Emporio solidale", "Spesa a prezzi calmierati.")
    es.drain()
    assert es.document(page.pk)["url"].startswith("/buone-pratiche/")

    index = page.get_parent().specific
    index.slug = "pratiche"
    index.save_revision().publish()
    es.drain()
    assert es.document(page.pk)["url"].startswith("/pratiche/")

    archive = builders.home().add_child(instance=PracticeIndexPage(title="Archivio", slug="archivio"))
    page.move(archive, pos="last-child")
    es.drain()
    assert es.document(page.pk)["url"].startswith("/archivio/")


@pytest.mark.django_db
def test_renaming_a_zona_or_topic_reaches_the_documents_that_show_it(es):
    es.create()
    zona = builders.zona("zona-prova", "Zona di prova")
    topic = builders.topic("tema-prova", "Tema di prova")
    page = builders.practice("Mensa sociale", "Pasti caldi.", zona_obj=zona, topics=[topic])
    other = builders.practice("Altro", "Altra pratica.", zona_obj=builders.zona("altra-zona", "Altra zona"))
    es.drain()
    before = OutboxEntry.objects.count()

    zona.note = "solo una nota"  # not shown in documents: nothing to do
    zona.save()
    assert OutboxEntry.objects.count() == before

    zona.name = "Valdelsa Senese"
    zona.save()
    topic.name = "Povertà alimentare"
    topic.save()
    assert set(OutboxEntry.objects.filter(id__gt=0, processed_at__isnull=True).values_list("page_id", flat=True)) == {page.pk}
    es.drain()
    document = es.document(page.pk)
    assert document["zones"][0]["name"] == "Valdelsa Senese"
    assert document["topics"][0]["name"] == "Povertà alimentare"
    assert es.ids("valdelsa") == [page.pk]
    assert es.ids("alimentare") == [page.pk]
    assert es.document(other.pk)["zones"][0]["name"] == "Altra zona"


@pytest.mark.django_db
def test_renaming_a_zona_reaches_the_practices_that_show_it_without_naming_it(es):
    """A region-wide practice and a practice adopted by the zona show the zona's name in their documents
    (``payload_zones``) though none of their fields points at it: the rename reaches them too."""
    import datetime

    from adoptions.models import Adoption, AdoptionStatus

    es.create()
    zona = builders.zona("zona-rinominata", "Zona prima del nome nuovo")
    elsewhere = builders.zona("zona-titolare", "Zona titolare")
    regional = builders.practice("Protocollo regionale", "In ogni zona.", zona_obj=elsewhere, covers_whole_region=True)
    adopted = builders.practice("Sportello adottato", "Nato altrove.", zona_obj=elsewhere)
    Adoption.objects.create(practice=adopted, zona=zona, since=datetime.date(2025, 3, 1), changes="Adattata.",
                            status=AdoptionStatus.APPROVED)
    unrelated = builders.practice("Pratica senza legami", "Solo la sua zona.", zona_obj=elsewhere)
    es.drain()
    assert "Zona prima del nome nuovo" in {z["name"] for z in es.document(adopted.pk)["zones"]}

    zona.name = "Zona col nome nuovo"
    zona.save()
    queued = set(OutboxEntry.objects.filter(processed_at__isnull=True).values_list("page_id", flat=True))
    assert {regional.pk, adopted.pk} <= queued and unrelated.pk not in queued
    es.drain()
    for page in (regional, adopted):
        names = {z["name"] for z in es.document(page.pk)["zones"]}
        assert "Zona col nome nuovo" in names and "Zona prima del nome nuovo" not in names, (page.title, names)


@pytest.mark.django_db
def test_outbox_keeps_changes_while_elasticsearch_is_down_and_applies_each_once(es, settings, dead_elasticsearch_url):
    es.create()
    settings.ELASTICSEARCH_URLS = [dead_elasticsearch_url]
    search_client.reset()
    pages = [builders.news(f"Bando numero {n} per i tirocini", f"tirocini di inclusione, bando {n}") for n in range(3)]
    gone = builders.news("Notizia da ritirare sui tirocini", "tirocini ritirati")
    gone.unpublish()

    report = apply_pending()  # what the after-commit task and the periodic drain do meanwhile
    assert report.unavailable and report.applied == 0
    pending = OutboxEntry.objects.filter(processed_at__isnull=True)
    assert pending.count() > 0 and all(row.attempts == 1 and row.last_error for row in pending)
    assert apply_pending().unavailable  # still down: still pending, attempts grow, nothing dropped
    assert set(pending.values_list("attempts", flat=True)) == {2}

    settings.ELASTICSEARCH_URLS = [es.url]  # Elasticsearch is back
    search_client.reset()
    report = es.drain()
    assert not report.unavailable and report.failed == 0
    assert not OutboxEntry.objects.filter(processed_at__isnull=True).exists()
    found = [h.page_id for h in es.search("tirocini", per_page=50).hits]
    assert sorted(found) == sorted(p.pk for p in pages)  # all found, none twice, the unpublished one absent

    OutboxEntry.objects.update(processed_at=None)  # applying everything again is harmless
    es.drain()
    assert sorted(h.page_id for h in es.search("tirocini", per_page=50).hits) == sorted(p.pk for p in pages)
    assert es.count() == 3


@pytest.mark.django_db
def test_pdf_attachments_are_searchable_but_not_members_only_materials(es):
    es.create()
    Document = get_document_model()
    document = Document(title="Protocollo")
    document.file.save("protocollo.pdf", ContentFile(pdf_with_text("Accordo sulla coprogettazione", "con gli enti del terzo settore")), save=False)
    document.save()
    page = builders.news("Firmato un accordo", "Un accordo tra enti.")
    page.attachments = [("document", {"document": document, "description": ""})]
    page.save_revision().publish()
    es.drain()
    assert es.ids("coprogettazione") == [page.pk]

    seminar = builders.seminar("Seminario con materiali", "Materiali per gli iscritti.")
    seminar.materials = [("document", {"document": document, "description": ""})]
    seminar.members_only_materials = True
    seminar.save_revision().publish()
    es.drain()
    assert es.document(seminar.pk)["attachments"] == "", "the seminar is indexed, its reserved materials are not"
    assert es.ids("coprogettazione") == [page.pk]


@pytest.mark.django_db
def test_events_stop_being_upcoming_when_their_date_passes(es):
    from cms.models import SeminarPage
    from search.indexing.timing import enqueue_stale_upcoming

    es.create()
    now = timezone.now()
    seminar = builders.seminar("Seminario in corso", "Due giorni di lavori.", start=now - timedelta(days=1))
    SeminarPage.objects.filter(pk=seminar.pk).update(end=now + timedelta(days=1))
    OutboxEntry.objects.create(page_id=seminar.pk)
    es.drain()
    assert es.document(seminar.pk)["upcoming"] is True

    SeminarPage.objects.filter(pk=seminar.pk).update(end=now - timedelta(hours=1))  # time passes, no edit
    assert enqueue_stale_upcoming() == 1
    es.drain()
    assert es.document(seminar.pk)["upcoming"] is False
    assert es.ids("", filters={"timing": ("passati",)}) == [seminar.pk]


@pytest.mark.django_db
def test_synonym_rule_edited_in_the_admin_applies_without_reindex(es, django_capture_on_commit_callbacks):
    from search.models import SynonymRule

    es.create()
    page = builders.news("Accoglienza dei richiedenti asilo", "Sistema di accoglienza e integrazione per richiedenti asilo.")
    es.drain()
    index_before = es.index.read_indices()
    assert es.ids("SAI") == []

    with django_capture_on_commit_callbacks(execute=True):
        rule = SynonymRule(terms="SAI,   Sistema di accoglienza e integrazione")
        rule.full_clean()
        rule.save()
    assert rule.terms == "SAI, Sistema di accoglienza e integrazione"
    assert es.ids("SAI") == [page.pk]
    assert es.index.read_indices() == index_before  # reloaded in place, not rebuilt

    with django_capture_on_commit_callbacks(execute=True):
        rule.enabled = False
        rule.save()
    assert es.ids("SAI") == []


@pytest.mark.django_db(transaction=True)
def test_publish_applies_after_commit_in_eager_mode(es):
    es.create()
    page = builders.practice("Portierato sociale", "Presidio nei condomini popolari.")
    # no explicit drain: the after-commit task ran inline (no broker in eager mode)
    es.refresh()
    assert es.ids("portierato") == [page.pk]
    assert not OutboxEntry.objects.filter(processed_at__isnull=True).exists()


def test_real_worker_makes_a_published_page_searchable(es, celery_worker):
    es.create()
    page = builders.practice("Ciclofficina sociale", "Riparare biciclette insieme.")
    assert es.wait_for(lambda: es.ids("ciclofficina") == [page.pk], timeout=60)
    page.unpublish()
    assert es.wait_for(lambda: es.ids("ciclofficina") == [], timeout=60)
    assert es.wait_for(lambda: not OutboxEntry.objects.filter(processed_at__isnull=True).exists(), timeout=30)
