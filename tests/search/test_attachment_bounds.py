"""Attachment text extraction is bounded in memory, whatever the file (issue #14, item 1:
"bound every decoder"). A PDF whose content stream inflates to 200 MiB, or a 20 MiB text
file, must cost the indexing worker a few MiB, not the inflated size."""
from __future__ import annotations

import tracemalloc
import zlib

import pypdf  # noqa: F401  (imported before measuring: its import is not what the budget bounds)
import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from search.engine.attachments import MAX_CHARS_PER_DOCUMENT, document_text
from tests.search.pdf import one_page_pdf

BUDGET_MIB = 50


def flate_bomb_pdf(inflated_bytes: int) -> bytes:
    """A one-page PDF whose content stream shows one line of text and then ``inflated_bytes``
    of spaces, deflated: a few hundred KiB on disk."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = compressor.compress(b"BT /F1 12 Tf 72 720 Td (Rete inclusione) Tj ET")
    body += b"".join(compressor.compress(chunk) for _ in range(inflated_bytes >> 20)) + compressor.flush()
    return one_page_pdf(body, b"/Filter /FlateDecode")


def _peak_mib(document) -> tuple[str, float]:
    tracemalloc.start()
    try:
        text = document_text(document)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return text, peak / (1 << 20)


def _document(name: str, data: bytes):
    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


@pytest.mark.django_db
def test_a_pdf_content_stream_bomb_is_read_within_the_memory_budget():
    bomb = flate_bomb_pdf(200 << 20)
    text, peak = _peak_mib(_document("bomba.pdf", bomb))
    print(f"\n  pdf bomb: {len(bomb) / 1024:.0f} KiB file, 200 MiB inflated, peak {peak:.1f} MiB, {len(text)} chars")
    assert peak < BUDGET_MIB
    assert len(text) <= MAX_CHARS_PER_DOCUMENT


@pytest.mark.django_db
def test_a_large_text_attachment_is_read_only_as_far_as_it_is_indexed():
    data = ("inclusione sociale " * ((20 << 20) // 19)).encode()
    text, peak = _peak_mib(_document("elenco.txt", data))
    print(f"\n  text file: {len(data) >> 20} MiB, peak {peak:.1f} MiB, {len(text)} chars")
    assert text.startswith("inclusione sociale") and len(text) == MAX_CHARS_PER_DOCUMENT
    assert peak < 8
