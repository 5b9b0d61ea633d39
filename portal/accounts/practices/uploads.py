"""Attachments of a proposal: an allow-list of types, a size cap, and a look at the content.

The extension alone proves nothing: a ".pdf" must start with %PDF-, office files must be
the zip packages they claim to be, images must carry their signature.
"""
from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

ALLOWED_EXTENSIONS = ("pdf", "odt", "ods", "docx", "xlsx", "png", "jpg", "jpeg")
MAX_ATTACHMENTS = 5
_ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
_OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def max_bytes() -> int:
    return getattr(settings, "PRACTICE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def _head(uploaded, size: int) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(size)
    uploaded.seek(0)
    return head


def _zip_names(uploaded) -> tuple[list[str], bytes] | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
            return names, mimetype.strip()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    finally:
        uploaded.seek(0)


def content_matches(extension: str, uploaded) -> bool:
    """Whether the bytes are what the extension says."""
    if extension == "pdf":
        return _head(uploaded, 5) == b"%PDF-"
    if extension == "png":
        return _head(uploaded, 8) == b"\x89PNG\r\n\x1a\n"
    if extension in ("jpg", "jpeg"):
        return _head(uploaded, 3) == b"\xff\xd8\xff"
    if _head(uploaded, 4) != b"PK\x03\x04":
        return False
    found = _zip_names(uploaded)
    if found is None:
        return False
    names, mimetype = found
    if extension in _ODF_MIMETYPES:
        return mimetype == _ODF_MIMETYPES[extension]
    return "[Content_Types].xml" in names and _OOXML_PARTS[extension] in names


def check_upload(uploaded) -> str:
    """Validate an uploaded file; returns a safe file name. Errors are Italian and specific."""
    name = get_valid_filename(uploaded.name or "allegato")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Tipo di file non ammesso (%(ext)s). Sono ammessi: %(allowed)s.")
            % {"ext": extension or _("senza estensione"), "allowed": ", ".join(ALLOWED_EXTENSIONS)},
            code="extension",
        )
    if uploaded.size == 0:
        raise ValidationError(_("Il file è vuoto."), code="empty")
    if uploaded.size > max_bytes():
        raise ValidationError(
            _("Il file è troppo grande (%(size)s): il massimo è %(max)s.")
            % {"size": filesizeformat(uploaded.size), "max": filesizeformat(max_bytes())},
            code="size",
        )
    if not content_matches(extension, uploaded):
        raise ValidationError(
            _("Il contenuto del file non corrisponde a un file .%(ext)s valido.") % {"ext": extension}, code="content"
        )
    return name
