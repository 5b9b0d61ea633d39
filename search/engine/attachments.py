"""Text of the documents attached to a page (PDF through pypdf, plain text as is), bounded.

Extraction is the slow part of indexing, so the text is cached per document file
(keyed by the file's hash) and every limit below is a hard cap: a 500-page scan
cannot stall a worker or bloat the index.
"""
from __future__ import annotations

import hashlib
import io
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

MAX_PAGES = 50
MAX_CHARS_PER_DOCUMENT = 60_000
MAX_CHARS_PER_PAGE_ITEM = 150_000
MAX_FILE_BYTES = 30 * 1024 * 1024
CACHE_SECONDS = 7 * 24 * 3600
TEXT_EXTENSIONS = {"txt", "csv"}
# A text file is read only as far as it can be indexed: at most 4 bytes a character in UTF-8.
MAX_TEXT_BYTES = 4 * MAX_CHARS_PER_DOCUMENT
# What one compressed PDF stream may inflate to (pypdf's Configuration; its defaults, 75 MB a
# stream and 300 MB of decoding work, are above what one attachment may cost an indexing worker;
# text-bearing content streams are far smaller).
PDF_LIMITS = {
    "zlib_maximum_output_length": 8 * 1024 * 1024,
    "lzw_maximum_output_length": 8 * 1024 * 1024,
    "run_length_maximum_output_length": 8 * 1024 * 1024,
    "array_based_stream_maximum_output_length": 8 * 1024 * 1024,
    "stream_decoding_work_maximum_length": 32 * 1024 * 1024,
}


def _pdf_text(data: bytes) -> str:
    from pypdf import apply_configuration

    with apply_configuration(**PDF_LIMITS):
        return _bounded_pdf_text(data)


def _bounded_pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:
            return ""
    parts: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PAGES]:
        try:
            text = page.extract_text() or ""
        except Exception:  # one broken page must not lose the others
            continue
        parts.append(text)
        size += len(text)
        if size >= MAX_CHARS_PER_DOCUMENT:
            break
    return " ".join(" ".join(parts).split())[:MAX_CHARS_PER_DOCUMENT]


def _read_at_most(handle, limit: int) -> bytes:
    """Up to ``limit`` bytes, in chunks: ``read(limit)`` allocates the whole limit up front."""
    data = bytearray()
    while len(data) < limit:
        chunk = handle.read(min(1 << 20, limit - len(data)))
        if not chunk:
            break
        data += chunk
    return bytes(data)


def document_text(document) -> str:
    """The searchable text of one Wagtail document ('' when it has none or cannot be read)."""
    extension = (document.file_extension or "").lower()
    if extension != "pdf" and extension not in TEXT_EXTENSIONS:
        return ""
    # the file's name too: documents made in code may have no hash, and a cache shared with
    # another database (a restored copy, a test run) may hold the same pk for another file
    identity = f"{document.pk}:{document.file.name}:{document.file_hash or document.file_size or ''}"
    key = "search:doctext:" + hashlib.sha1(identity.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    text = ""
    try:
        if document.file_size and document.file_size > MAX_FILE_BYTES:
            return ""
        with document.open_file() as handle:
            if extension == "pdf":
                data = _read_at_most(handle, MAX_FILE_BYTES + 1)
                text = _pdf_text(data) if len(data) <= MAX_FILE_BYTES else ""
            else:
                data = _read_at_most(handle, MAX_TEXT_BYTES)
                text = " ".join(data.decode("utf-8", errors="ignore").split())[:MAX_CHARS_PER_DOCUMENT]
    except Exception as exc:  # a missing or corrupt file leaves the page indexable
        logger.warning("no text from document %s: %s", document.pk, exc)
        text = ""
    cache.set(key, text, CACHE_SECONDS)
    return text


def attachments_text(document_ids: list[int]) -> str:
    """The text of several documents, in order, within the per-page cap."""
    if not document_ids:
        return ""
    from wagtail.documents import get_document_model

    documents = get_document_model().objects.in_bulk(document_ids)
    parts: list[str] = []
    size = 0
    for doc_id in dict.fromkeys(document_ids):
        document = documents.get(doc_id)
        if document is None:
            continue
        text = document_text(document)
        if text:
            parts.append(text)
            size += len(text)
        if size >= MAX_CHARS_PER_PAGE_ITEM:
            break
    return " ".join(parts)[:MAX_CHARS_PER_PAGE_ITEM]
