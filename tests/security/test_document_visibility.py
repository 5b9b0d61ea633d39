"""Documents follow the pages that use them (fast tier).

An approved practice taken down (unpublished, or deleted: e.g. for personal data) must take its
attachments down with it: visitors get no file at /documents/<id>/..., editors who manage
documents still do, and a page kept in the page cache does not keep handing the file out.
"""
from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.conftest import make_document, make_member

pytestmark = [pytest.mark.django_db]


def _practice_with(document, slug):
    from tests import builders

    page = builders.practice(f"Pratica {slug}", "Una buona pratica.", slug=slug)
    page.attachments = [("document", {"document": document, "description": "relazione"})]
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _downloads(client, document) -> bool:
    response = client.get(document.url)
    return response.status_code == 200 and _body(response).startswith(b"%PDF")


def test_attachments_of_an_unpublished_or_deleted_practice_are_refused(client):
    from portal.roles import REDATTORE

    unpublished_doc = make_document("Relazione con dati personali", "relazione-dati.pdf")
    deleted_doc = make_document("Relazione cancellata", "relazione-cancellata.pdf")
    unpublished = _practice_with(unpublished_doc, "ritirata")
    deleted = _practice_with(deleted_doc, "cancellata")
    assert _downloads(client, unpublished_doc) and _downloads(client, deleted_doc), "control: served while live"

    unpublished.unpublish()
    deleted.delete()
    member = Client()
    member.force_login(make_member("operatrice@example.it"))
    refused = {}
    for who, visitor in (("anonimo", client), ("operatrice", member)):
        for document in (unpublished_doc, deleted_doc):
            response = visitor.get(document.url)
            refused[(who, document.title)] = response.status_code
            assert b"%PDF" not in _body(response)
    assert set(refused.values()) <= {403, 404}, refused

    editor = Client()
    editor.force_login(make_member("redattrice@example.it", groups=(REDATTORE,)))
    assert _downloads(editor, unpublished_doc) and _downloads(editor, deleted_doc), "editors still get the files"


def test_a_cached_page_does_not_keep_its_attachment_online(client, settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    document = make_document("Allegato in cache", "allegato-cache.pdf")
    page = _practice_with(document, "in-cache")
    client.get(page.url)
    assert client.get(page.url)["X-Page-Cache"] == "hit", "control: the page is served from the cache"
    assert _downloads(client, document)
    assert "no-cache" in client.get(document.url)["Cache-Control"], "shared caches must ask again every time"
    page.unpublish()
    assert client.get(page.url).status_code == 404
    assert not _downloads(client, document)


def test_documents_no_page_uses_are_for_editors_only(client):
    from portal.roles import REDATTORE

    orphan = make_document("Caricato e mai usato", "mai-usato.pdf")
    assert client.get(orphan.url).status_code == 404
    client.force_login(make_member("redattore@example.it", groups=(REDATTORE,)))
    assert _downloads(client, orphan)
