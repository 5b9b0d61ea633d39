"""Every document carries its size and hash, however it was made, and is never served with ``ETag: ""``.

The admin's form fills them (``_set_document_file_metadata``); documents made in code (the
demo, the practice moderation, generate_content, tests) used to keep an empty ``file_hash``,
which the serve view sent as an empty ETag: every such document looked like every other
to a cache.
"""
from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile

from tests.support.figures import report

pytestmark = pytest.mark.django_db


def _served_etag(client, document) -> str:
    """As an editor: a document no live page uses is refused to visitors (cms.visibility)."""
    response = client.get(document.url)
    assert response.status_code == 200, document.url
    return response["ETag"]


def test_documents_made_in_code_carry_their_hash_and_are_served_with_it(admin_client):
    from wagtail.documents import get_document_model

    from cms.demo.builder import document as demo_document

    data = "Protocollo d'intesa per l'inclusione\n".encode()
    plain = get_document_model()(title="Verbale")
    plain.file.save("verbale.txt", ContentFile(data), save=False)
    plain.save()
    demo = demo_document("Protocollo", "protocollo.txt", data.decode())

    checked = 0
    for document in (plain, demo):
        document.refresh_from_db()
        assert document.file_hash == hashlib.sha1(data).hexdigest(), document.title
        assert document.file_size == len(data)
        assert _served_etag(admin_client, document) == f'"{document.file_hash}"'
        checked += 1
    report("Documents made in code: hash and ETag", documents_checked=checked, empty_etags=0)


def test_a_document_saved_without_its_hash_is_never_served_with_an_empty_etag(admin_client):
    """Rows from before the fix (or a bulk update) are hashed when first served."""
    from wagtail.documents import get_document_model

    Document = get_document_model()
    data = b"a;b\n1;2\n"
    document = Document(title="Dati")
    document.file.save("dati.csv", ContentFile(data), save=False)
    document.save()
    Document.objects.filter(pk=document.pk).update(file_hash="")  # as the rows made before the fix

    etag = _served_etag(admin_client, document)
    assert etag == f'"{hashlib.sha1(data).hexdigest()}"', etag
    document.refresh_from_db()
    assert document.file_hash == hashlib.sha1(data).hexdigest()


def test_practice_attachments_become_documents_with_their_hash(client):
    """The moderation flow turns a member's attachments into Wagtail documents, in code."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.accounts.models import PracticeSubmission
    from portal.accounts.practices import service
    from tests.accounts.conftest import make_member

    member = make_member("proponente@comune.example.it")
    submission = PracticeSubmission.objects.create(user=member, data={})
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    service.add_attachment(submission, SimpleUploadedFile("relazione.pdf", data), "relazione.pdf", "Relazione")
    documents = service._documents_for(submission)
    assert [d.file_hash for d in documents] == [hashlib.sha1(data).hexdigest()]
