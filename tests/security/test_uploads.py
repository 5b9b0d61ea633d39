"""Uploads in the Wagtail admin and documents served to visitors.

Documents: the extension allow-list (WAGTAILDOCS_EXTENSIONS), the size cap and content
sniffing (portal.uploads.SniffedDocumentForm: a ".pdf" that is not a PDF is refused),
through the single and the multiple uploader. Images: Wagtail's own format check.
Serving: PDFs inline, everything else as an attachment, always with
``Content-Security-Policy: default-src 'none'`` and ``nosniff``, and a
Content-Disposition that a hostile file name cannot break.
Zip bombs disguised as office files (a huge ``mimetype`` or document part that deflates
from a few hundred kilobytes, or a central directory of a hundred thousand parts), through
the member's practice form and the admin document form: refused, and the memory the
request takes stays bounded.
"""
from __future__ import annotations

import gc
import io
import tracemalloc
import zipfile
from functools import cache

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


# --- zip bombs ----------------------------------------------------------------------------------

BOMB_MIB = 128  # what one deflated part inflates to; deflate packs it into ~130 kB
MEMORY_BUDGET = 50 * 1024 * 1024
ODT_MIME = b"application/vnd.oasis.opendocument.text"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def deflate_bomb(part: str, head: bytes, layout: dict[str, bytes]) -> bytes:
    """A ZIP whose ``part`` is ``head`` followed by BOMB_MIB MiB of spaces, deflated, then ``layout``.

    Spaces, because the mimetype was compared after ``strip()``: the bomb also passed the check.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(part, "w") as member:
            member.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(BOMB_MIB):
                member.write(chunk)
        for name, data in layout.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def many_parts_bomb(max_bytes: int) -> bytes:
    """A valid-looking DOCX whose central directory lists as many empty parts as fit in ``max_bytes``:
    parsing the directory alone builds one Python object per part."""
    per_part = 2 * len("000000") + 30 + 46  # local header + central directory entry, empty data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        for number in range(int(max_bytes * 0.95) // per_part):
            archive.writestr(f"{number:06d}", b"")
    return buffer.getvalue()


@cache
def bombs(max_bytes: int) -> tuple[tuple[str, bytes], ...]:
    odf_layout = {"content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<manifest/>"}
    ooxml = {"[Content_Types].xml": b"<Types/>"}
    return (
        ("bomba.odt", deflate_bomb("mimetype", ODT_MIME, odf_layout)),
        ("bomba.ods", deflate_bomb("mimetype", ODS_MIME, odf_layout)),
        ("bomba.docx", deflate_bomb("word/document.xml", b"<w:document>", ooxml)),
        ("bomba.xlsx", deflate_bomb("xl/workbook.xml", b"<workbook>", ooxml)),
        ("mille-parti.docx", many_parts_bomb(max_bytes)),
    )


def post_measured(client, path: str, fields: dict, name: str, data: bytes):
    """POST a multipart form (encoded beforehand) and return (response, peak bytes traced during it)."""
    from django.test.client import encode_multipart

    boundary = "BombaDiProva"
    body = encode_multipart(boundary, {**fields, "file": SimpleUploadedFile(name, data, "application/octet-stream")})
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        response = client.post(path, body, content_type=f"multipart/form-data; boundary={boundary}")
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    return response, peak


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def test_zip_bombs_through_the_practice_upload_step_are_refused_within_bounded_memory(client, settings):
    from portal.accounts.models import PracticeSubmission, SubmissionAttachment
    from portal.accounts.practices.forms import practice_attachment_max_bytes
    from tests.accounts.conftest import make_member
    from tests.security.conftest import site_tree

    site_tree()
    member = make_member("bombarola@comune.example.it")
    client.force_login(member)
    submission = PracticeSubmission.objects.create(user=member, data={})
    step = f"/account/buone-pratiche/{submission.pk}/passo/5/"
    peaks, answers = {}, {}
    for name, data in bombs(practice_attachment_max_bytes()):
        response, peaks[name] = post_measured(client, step, {"action": "upload", "description": name}, name, data)
        errors = response.context["attachment_form"].errors.get("file", []) if response.status_code == 400 else []
        answers[name] = (response.status_code, [str(e) for e in errors])
    stored = SubmissionAttachment.objects.count()
    refused = sum(1 for status, errors in answers.values() if status == 400 and errors)
    honest, honest_peak = post_measured(client, step, {"action": "upload", "description": "vero"}, "verbale.odt", ODT)
    assert honest.status_code == 302
    report(
        "Zip bombs through the practice form's upload step",
        inputs_tried=len(peaks) + 1,
        refused=refused,
        bomb_sizes=", ".join(f"{n} {len(d) // 1024} kB" for n, d in bombs(practice_attachment_max_bytes())),
        peak_memory_of_the_upload_checks=", ".join(f"{n} {mib(p)}" for n, p in peaks.items()),
        peak_memory_of_an_honest_odt=mib(honest_peak),
        budget=mib(MEMORY_BUDGET),
    )
    assert max(peaks.values()) < MEMORY_BUDGET, {n: mib(p) for n, p in peaks.items()}
    assert refused == len(answers) and stored == 0, answers


def test_zip_bombs_through_the_admin_document_form_are_refused_within_bounded_memory(client, editor, settings):
    from django.conf import settings as live
    from wagtail.documents import get_document_model

    from portal.accounts.practices.forms import practice_attachment_max_bytes

    Document = get_document_model()
    fields = {"title": "Bomba", "collection": _root_collection_id()}
    max_bytes = min(live.WAGTAILDOCS_MAX_UPLOAD_SIZE, practice_attachment_max_bytes())
    peaks, answers = {}, {}
    for name, data in bombs(max_bytes):
        response, peaks[name] = post_measured(client, "/admin/documents/add/", fields, name, data)
        errors = response.context["form"].errors.get("file", []) if response.status_code == 200 else []
        answers[name] = (response.status_code, [str(e) for e in errors])
    stored = Document.objects.count()
    refused = sum(1 for status, errors in answers.values() if status == 200 and errors)
    report(
        "Zip bombs through the admin document form",
        inputs_tried=len(peaks),
        refused=refused,
        peak_memory_of_the_upload_checks=", ".join(f"{n} {mib(p)}" for n, p in peaks.items()),
        budget=mib(MEMORY_BUDGET),
    )
    assert max(peaks.values()) < MEMORY_BUDGET, {n: mib(p) for n, p in peaks.items()}
    assert refused == len(answers) and stored == 0, answers
