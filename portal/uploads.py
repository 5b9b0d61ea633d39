"""What an uploaded file really is: the extension must be allowed *and* the bytes must match it.

Used by the Wagtail document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``), so a file
uploaded in the admin as "bando.pdf" that is really an HTML page (or anything else)
is refused with an Italian message instead of being served from the site's origin.
The same checks are available to other upload forms through ``check_upload()``.

The sniffing is deliberately simple and strict: magic numbers for binary formats,
the package layout for office files (ZIP with the right mimetype/parts), and for the
plain-text formats (csv, txt) valid text without NUL bytes or an HTML start.
"""
from __future__ import annotations

import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "rtf": (b"{\\rtf",),
}
_ODF = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
_OOXML = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_TEXT = ("csv", "txt")
_HTML_STARTS = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<head", b"<iframe")
_SNIFF_BYTES = 64 * 1024


def _read_head(uploaded, size: int) -> bytes:
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(size)
    uploaded.seek(position)
    return head


def _zip_layout(uploaded) -> tuple[set[str], bytes] | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
            return names, mimetype
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    finally:
        uploaded.seek(0)


def _plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    if head.lstrip().lower().startswith(_HTML_STARTS):
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig" and exc.start >= len(head) - 4:  # a character cut by the sniff window
                return True
    return False


def content_matches(extension: str, uploaded) -> bool:
    """Whether the bytes are what the extension claims. Unknown extensions never match."""
    extension = extension.lower()
    head = _read_head(uploaded, _SNIFF_BYTES)
    if extension in _MAGIC:
        return head.startswith(_MAGIC[extension])
    if extension in _TEXT:
        return _plain_text(head)
    if extension in _ODF or extension in _OOXML:
        if not head.startswith(b"PK\x03\x04"):
            return False
        layout = _zip_layout(uploaded)
        if layout is None:
            return False
        names, mimetype = layout
        if extension in _ODF:
            return mimetype == _ODF[extension]
        return "[Content_Types].xml" in names and _OOXML[extension] in names
    return False


def extension_of(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def check_upload(uploaded, allowed: tuple[str, ...] | list[str], max_bytes: int | None = None) -> None:
    """Raise ValidationError (Italian, specific) unless the file is allowed, not empty, small enough
    and really of its type."""
    extension = extension_of(uploaded.name)
    if extension not in allowed:
        raise ValidationError(
            _("Tipo di file non ammesso (%(ext)s). Sono ammessi: %(allowed)s.")
            % {"ext": extension or _("senza estensione"), "allowed": ", ".join(allowed)},
            code="extension",
        )
    size = getattr(uploaded, "size", None)
    if size == 0:
        raise ValidationError(_("Il file è vuoto."), code="empty")
    if max_bytes is not None and size is not None and size > max_bytes:
        raise ValidationError(
            _("Il file è troppo grande (%(size)s): il massimo è %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            code="size",
        )
    if not content_matches(extension, uploaded):
        raise ValidationError(
            _("Il contenuto del file non corrisponde a un file .%(ext)s valido.") % {"ext": extension}, code="content"
        )


def _document_base_form():
    from wagtail.documents.forms import BaseDocumentForm

    return BaseDocumentForm


class SniffedDocumentForm(_document_base_form()):
    """Wagtail's document form plus content sniffing of a newly uploaded file."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data and hasattr(uploaded, "seek"):
            allowed = [e.lower() for e in getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or _MAGIC]
            try:
                check_upload(uploaded, allowed, getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None))
            except ValidationError as error:
                raise forms.ValidationError(error.messages, code=error.code) from None
        return uploaded

    class Meta(_document_base_form().Meta):
        pass
