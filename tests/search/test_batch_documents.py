"""The reindex builds documents in batches; the outbox, one page at a time. Both must agree,
and agree with the plain per-page computation the batch path replaced (no prefetching,
Wagtail's own ``get_view_restrictions``, ``page.url`` without shared site root paths).
Runs on the database only (no Elasticsearch needed).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction

from search import corpus
from search.indexing import documents
from tests import builders
from tests.search.pdf import pdf_with_text

pytestmark = pytest.mark.django_db


def legacy_document(page_id) -> dict | None:
    """The document as built before batching: every relation and restriction read per page."""
    from search.engine.attachments import attachments_text

    page = Page.objects.get(pk=page_id).specific
    if not corpus.is_indexed_type(page) or not page.live:
        return None
    seen_by = corpus.visibility(page)
    if seen_by == corpus.HIDDEN:
        return None
    payload = page.search_payload()
    reserved = bool(getattr(page, "members_only_materials", False))
    return {
        "page_id": payload["id"], "content_type": payload["content_type"], "title": payload["title"],
        "summary": payload.get("summary") or "", "body": payload.get("body") or "",
        "attachments": "" if reserved else attachments_text(payload.get("attachments") or []),
        "zones": payload.get("zones") or [], "topics": payload.get("topics") or [], "tags": payload.get("tags") or [],
        "date": payload.get("date"), "year": payload.get("year"), **(payload.get("facets") or {}),
        "upcoming": payload.get("upcoming"), "act_ids": list(payload.get("act_ids") or []),
        "related_act_ids": list(payload.get("related_act_ids") or []), "restricted": seen_by == corpus.MEMBERS,
        "url": payload.get("url") or "", "first_published_at": payload.get("first_published_at"),
        "last_published_at": payload.get("last_published_at"),
    }


def without_time(document):
    if document is None:
        return None
    return {k: v for k, v in document.items() if k != "indexed_at"}


@pytest.fixture
def demo_pages():
    z1 = builders.zona("valle-alta", "Valle Alta", "centro")
    z2 = builders.zona("costa-bassa", "Costa Bassa", "nord-ovest")
    abitare, lavoro = builders.topic("abitare-b", "Abitare (b)"), builders.topic("lavoro-b", "Lavoro (b)")
    n1 = builders.norm("Regolamento inclusione", "544", date(2023, 5, 2), topics=[abitare])
    n2 = builders.norm("Legge casa", "12", date(2021, 3, 1), kind="L.R.")
    n1.tags.add("casa", "Abitare")
    n1.save_revision().publish()

    document = get_document_model()(title="Protocollo")
    document.file.save("protocollo.pdf", ContentFile(pdf_with_text("Accordo sulla coprogettazione")), save=False)
    document.save()

    practice = builders.practice("Orti condivisi", "orticoltura sociale", zona_obj=z1, topics=[abitare, lavoro],
                                norms=[n1, n2], body="Orti e famiglie")
    practice.tags.add("orti", "Famiglie", "àbitare")
    practice.attachments = [("document", {"document": document, "description": ""})]
    practice.save_revision().publish()
    seminar = builders.seminar("Seminario sul lavoro", zones=[z1, z2], topics=[lavoro], norms=[n1],
                              start=timezone.now() + timedelta(days=3), body="Programma")
    seminar.speakers.create(name="Anna Rossi", role="assistente sociale", organisation="SdS")
    seminar.speakers.create(name="Luca Bianchi", role="educatore", organisation="Coop")
    seminar.tags.add("lavoro")
    seminar.save_revision().publish()
    members_seminar = builders.seminar("Seminario riservato", zones=[z2])
    members_seminar.materials = [("document", {"document": document, "description": ""})]
    members_seminar.members_only_materials = True
    members_seminar.save_revision().publish()
    builders.restrict(members_seminar)
    workshop = builders.workshop("Laboratorio di rete", zones=[z1], body="Incontri")
    workshop.sessions.create(start=timezone.now() + timedelta(days=10), place="Firenze")
    workshop.sessions.create(start=timezone.now() - timedelta(days=10), place="Pisa")
    workshop.save_revision().publish()
    news = builders.news("Firmato un accordo", zones=[z2], topics=[abitare], norms=[n2], body="Accordo")
    news.attachments = [("document", {"document": document, "description": ""})]
    news.tags.add("accordi")
    news.save_revision().publish()
    figure = builders.data("Persone seguite", zona_obj=z1)
    toscana = builders.data("Persone seguite in Toscana")
    hidden = builders.practice("Pratica con password", zona_obj=z2)
    builders.restrict(hidden, PageViewRestriction.PASSWORD, "segreta")
    draft = builders.news("Bozza", publish=False)
    return [n1, n2, practice, seminar, members_seminar, workshop, news, figure, toscana, hidden, draft,
            builders.index_of(type(news))]


def test_batch_single_page_and_legacy_documents_are_identical(demo_pages):
    ids = [p.pk for p in demo_pages]
    legacy = {pid: legacy_document(pid) for pid in ids}
    single = {pid: without_time(documents.document_for(Page.objects.get(pk=pid))) for pid in ids}
    pages = list(Page.objects.filter(pk__in=ids).specific(defer=False))
    batch = {page.pk: without_time(document) for page, document, error in documents.build_documents(pages)}
    assert all(error is None for _p, _d, error in documents.build_documents(pages))

    assert batch == single == legacy
    by_title = {p.title: batch[p.pk] for p in demo_pages}
    assert by_title["Seminario riservato"]["restricted"] is True
    assert by_title["Seminario riservato"]["attachments"] == ""
    assert by_title["Pratica con password"] is None and by_title["Bozza"] is None
    assert "coprogettazione" in by_title["Orti condivisi"]["attachments"]
    assert by_title["Orti condivisi"]["related_act_ids"] and by_title["Orti condivisi"]["tags"]
    assert by_title["Regolamento inclusione"]["act_ids"] and by_title["Regolamento inclusione"]["tags"]


def test_a_restriction_on_an_ancestor_counts_in_the_batch(demo_pages):
    practice = next(p for p in demo_pages if p.title == "Orti condivisi")
    builders.restrict(practice.get_parent())
    pages = list(Page.objects.filter(pk__in=[p.pk for p in demo_pages]).specific(defer=False))
    batch = {page.pk: without_time(document) for page, document, _e in documents.build_documents(pages)}
    assert batch == {p.pk: legacy_document(p.pk) for p in demo_pages}
    assert batch[practice.pk]["restricted"] is True


def test_batch_queries_do_not_grow_with_the_pages(demo_pages):
    pages = list(Page.objects.filter(pk__in=[p.pk for p in demo_pages]).specific(defer=False))
    documents.build_documents(pages[:2])  # warm the caches of attachment text
    with CaptureQueriesContext(connection) as few:
        documents.build_documents([p for p in pages if p.title == "Orti condivisi"])
    with CaptureQueriesContext(connection) as many:
        documents.build_documents(pages)
    # per page type a handful of prefetch queries, never one per page and relation
    assert len(many) <= len(few) + 8 * 6


@pytest.mark.django_db
def test_a_replaced_file_is_read_again_even_without_a_hash(settings):
    """The extracted text is cached per file: a new file under the same document (or the same
    pk in another database sharing the cache) must not be answered with the old text."""
    from search.engine.attachments import document_text

    document = get_document_model()(title="Protocollo")
    document.file.save("protocollo.pdf", ContentFile(pdf_with_text("Accordo sulla coprogettazione")), save=False)
    document.file_hash = ""
    document.save()
    assert "coprogettazione" in document_text(document)

    document.file.save("protocollo-2025.pdf", ContentFile(pdf_with_text("Accordo sugli orti sociali")), save=False)
    document.file_hash = ""
    document.save()
    assert "orti sociali" in document_text(document)


@pytest.mark.django_db
def test_a_batch_that_fails_as_a_whole_loses_only_the_page_at_fault(monkeypatch):
    """A failure outside one page's own document (here the batch's prefetch) is narrowed
    down by building each page alone: the other pages of the batch are still built."""
    good = builders.news("Tavolo povertà", "coprogettazione")
    broken = builders.news("Pagina guasta", "relazioni illeggibili")
    other = builders.news("Sportello lavoro", "inserimento lavorativo")
    real_prefetch = documents._prefetch

    def prefetch(model, group):
        if any(page.pk == broken.pk for page in group):
            raise RuntimeError("prefetch failed")
        real_prefetch(model, group)

    monkeypatch.setattr(documents, "_prefetch", prefetch)
    built = {page.pk: (document, error) for page, document, error in documents.build_documents([good, broken, other])}
    assert built[good.pk][0]["title"] == "Tavolo povertà" and built[good.pk][1] is None
    assert built[other.pk][0]["title"] == "Sportello lavoro"
    assert built[broken.pk][0] is None and str(built[broken.pk][1]) == "prefetch failed"
    with pytest.raises(RuntimeError):
        documents.document_for(broken)
