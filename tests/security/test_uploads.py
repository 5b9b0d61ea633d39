"""Uploads in the Wagtail admin and documents served to visitors.

Documents: the extension allow-list (WAGTAILDOCS_EXTENSIONS), the size cap and content
sniffing (portal.uploads.SniffedDocumentForm: a ".pdf" that is not a PDF is refused),
through the single and the multiple uploader. Images: Wagtail's own format check.
Serving: PDFs inline, everything else as an attachment, always with
``Content-Security-Policy: default-src 'none'`` and ``nosniff``, and a
Content-Disposition that a hostile file name cannot break.
"""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security.conftest import report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def office(parts: dict[str, bytes], mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = office({"content.xml": b"<office:document-content/>"}, b"application/vnd.oasis.opendocument.text")

# (file name, bytes, accepted?, why)
CASES = [
    ("bando.pdf", PDF, True, "a real PDF"),
    ("relazione.docx", DOCX, True, "a real DOCX package"),
    ("verbale.odt", ODT, True, "a real ODT package"),
    ("dati.csv", "zona;beneficiari\nValdinievole;120\n".encode(), True, "plain CSV"),
    ("note.txt", "Attività svolte nel 2024.\n".encode("cp1252"), True, "plain text in cp1252"),
    ("falso.pdf", HTML, False, "HTML named .pdf"),
    ("falso.docx", PDF, False, "a PDF named .docx"),
    ("falso.odt", DOCX, False, "a DOCX named .odt"),
    ("zip.xlsx", office({"x.txt": b"x"}), False, "a ZIP that is not a workbook"),
    ("pagina.csv", HTML, False, "HTML named .csv"),
    ("binario.txt", b"ab\x00cd" * 10, False, "binary named .txt"),
    ("pagina.html", HTML, False, "extension not allowed"),
    ("script.svg", b"<svg onload=alert(1)/>", False, "extension not allowed"),
    ("programma.exe", b"MZ\x90\x00", False, "extension not allowed"),
    ("senza-estensione", PDF, False, "no extension"),
    ("doppia.pdf.html", HTML, False, "double extension"),
    ("vuoto.pdf", b"", False, "empty"),
]


@pytest.fixture
def editor(client, db):
    from tests.accounts.conftest import make_member

    user = make_member("redattrice@example.it", groups=("Redattore",))
    client.force_login(user)
    return user


def _root_collection_id():
    from wagtail.models import Collection

    return Collection.get_first_root_node().pk


def test_admin_document_upload_allow_list_size_cap_and_sniffing(client, editor, settings):
    from wagtail.documents import get_document_model

    Document = get_document_model()
    refused, accepted = [], []
    for name, data, ok, why in CASES:
        before = Document.objects.count()
        response = client.post("/admin/documents/add/", {
            "title": f"Prova {name}", "collection": _root_collection_id(),
            "file": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        })
        created = Document.objects.count() - before
        if ok:
            assert response.status_code == 302 and created == 1, (name, why, response.status_code)
            accepted.append(name)
        else:
            assert response.status_code == 200 and created == 0, (name, why, response.status_code)
            errors = [str(e) for e in response.context["form"].errors.get("file", [])]
            assert errors, (name, why)
            assert not any(w in " ".join(errors) for w in ("not allowed", "File extension", "does not match")), errors
            refused.append(name)

    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    before = Document.objects.count()
    response = client.post("/admin/documents/add/", {
        "title": "Troppo grande", "collection": _root_collection_id(),
        "file": SimpleUploadedFile("grande.pdf", PDF + b"0" * 4096, content_type="application/pdf"),
    })
    assert response.status_code == 200 and Document.objects.count() == before
    assert response.context["form"].errors["file"]

    report(
        "Admin document uploads (allow-list, size cap, content sniffing)",
        inputs_tried=len(CASES) + 1,
        accepted=accepted,
        refused=len(refused) + 1,
        fake_files_stored=0,
    )


def test_multiple_uploader_sniffs_too(client, editor):
    from wagtail.documents import get_document_model

    Document = get_document_model()
    before = Document.objects.count()
    response = client.post("/admin/documents/multiple/add/", {
        "files[]": SimpleUploadedFile("falso.pdf", HTML, content_type="application/pdf"),
        "collection": _root_collection_id(),
    })
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert Document.objects.count() == before
    response = client.post("/admin/documents/multiple/add/", {
        "files[]": SimpleUploadedFile("vero.pdf", PDF, content_type="application/pdf"),
        "collection": _root_collection_id(),
    })
    assert response.json()["success"] is True and Document.objects.count() == before + 1


def test_admin_image_upload_refuses_what_is_not_an_image(client, editor):
    from wagtail.images import get_image_model

    Image = get_image_model()
    for name, data in (("foto.png", HTML), ("foto.jpg", PDF), ("foto.svg", b"<svg onload=alert(1)/>")):
        before = Image.objects.count()
        response = client.post("/admin/images/add/", {
            "title": name, "collection": _root_collection_id(),
            "file": SimpleUploadedFile(name, data, content_type="image/png"),
        })
        assert response.status_code == 200 and Image.objects.count() == before, name
        assert response.context["form"].errors["file"], name


def _document(name: str, data: bytes):
    from wagtail.documents import get_document_model

    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def test_documents_are_served_with_safe_disposition_and_a_restrictive_csp(admin_client, settings):
    client = admin_client  # documents no page uses are served to editors only (cms.visibility.document_visible)
    assert getattr(settings, "WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT", True) is True
    served = []
    for name, data, disposition in (
        ("bando.pdf", PDF, "inline"),
        ("dati.csv", b"a;b\n<script>alert(1)</script>;x\n", "attachment"),
        ("note.txt", b"<html><script>alert(1)</script>", "attachment"),
        ("relazione.docx", DOCX, "attachment"),
        ('strano"; filename=evil.html.txt', b"testo", "attachment"),
        ("attività\r\nX-Injected: 1.txt", b"testo", "attachment"),
    ):
        document = _document(name, data)
        response = client.get(document.url)
        assert response.status_code == 200, name
        header = response["Content-Disposition"]
        served.append((document.filename, header))
        assert header.split(";")[0] == disposition, (name, header)
        assert "\r" not in header and "\n" not in header
        params = [part.strip() for part in header.split(";")[1:]]
        names = [part for part in params if part.startswith("filename=")]
        assert len(names) == 1, header  # no second parameter smuggled in through the name
        value = names[0][len("filename="):].strip('"')
        assert '"' not in value and value.endswith("." + document.filename.rsplit(".", 1)[-1]), header
        assert response["Content-Security-Policy"] == "default-src 'none'", name
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "X-Injected" not in response
        if disposition == "attachment":
            assert not response["Content-Type"].startswith("text/html")
    report(
        "Documents served (disposition, CSP, nosniff)",
        documents_served=len(served),
        dispositions=[h.split(";")[0] for _n, h in served],
        unsafe_headers=0,
    )


def test_practice_attachments_from_members_are_sniffed_capped_and_kept_private(client, settings, tmp_path):
    """The member's proposal form (step 5, «Carica»): same rules, and the file is not reachable by URL."""
    from django.conf import settings as live

    from portal.accounts.models import PracticeSubmission, SubmissionAttachment
    from tests.accounts.conftest import make_member
    from tests.security.conftest import site_tree

    site_tree()
    member = make_member("proponente@comune.example.it")
    client.force_login(member)
    submission = PracticeSubmission.objects.create(user=member, data={})
    step = f"/account/buone-pratiche/{submission.pk}/passo/5/"
    settings.PRACTICE_ATTACHMENT_MAX_BYTES = 2048
    cases = [
        ("relazione.pdf", PDF, True), ("relazione.docx", DOCX, True), ("verbale.odt", ODT, True),
        ("falso.pdf", HTML, False), ("falso.docx", PDF, False), ("pagina.html", HTML, False),
        ("programma.exe", b"MZ\x90\x00", False), ("grande.pdf", PDF + b"0" * 4096, False), ("vuoto.pdf", b"", False),
    ]
    refused = 0
    for name, data, ok in cases:
        before = SubmissionAttachment.objects.count()
        response = client.post(step, {
            "csrfmiddlewaretoken": "x", "action": "upload", "description": name,
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
        })
        created = SubmissionAttachment.objects.count() - before
        if ok:
            assert response.status_code == 302 and created == 1, (name, response.status_code)
        else:
            refused += 1
            assert response.status_code == 400 and created == 0, (name, response.status_code)
            errors = [str(e) for e in response.context["attachment_form"].errors.get("file", [])]
            assert errors and all("file" in e.lower() or "contenuto" in e.lower() for e in errors), errors
    stored = [a.file.path for a in SubmissionAttachment.objects.filter(submission=submission)]
    media_root = str(live.MEDIA_ROOT)
    assert stored and not any(path.startswith(media_root) for path in stored), "drafts' files are outside MEDIA_ROOT"
    for attachment in SubmissionAttachment.objects.all():
        assert client.get(attachment.file.url).status_code == 404, "a draft's file is not served by URL"
    report(
        "Member practice attachments (allow-list, 2 kB cap in the test, sniffing, private storage)",
        inputs_tried=len(cases),
        refused=refused,
        stored_privately=len(stored),
        fake_files_stored=0,
    )
