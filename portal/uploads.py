"""Is this upload safe? The one answer for every upload form of the portal.

The extension must be allowed, the size within the cap, *and* the bytes must match the
extension. Called by the Wagtail document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``, single
and multiple uploader) and by the member's practice form (its «Carica» step), so a file
uploaded as "bando.pdf" that is really an HTML page is refused with an Italian message
instead of being served from the site's origin.

The sniffing is deliberately simple and strict: magic numbers for binary formats, the
package layout for office files (ZIP with the right mimetype/parts), and for the plain-text
formats (csv, txt) valid text without NUL bytes or an HTML start. Nothing is ever read
whole: a few hundred kilobytes of ZIP can inflate to gigabytes, so the archive's own
figures (its end record, then each part's declared sizes and compression ratio) are
checked before anything is decompressed, and the one part that is read (the ODF
``mimetype``) is read through a bounded ``read(n)``.
"""
from __future__ import annotations

import lzma
import struct
import zipfile
import zlib

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
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

# What an honest office file stays well within (a long report with pictures has a few hundred
# parts, compressed a few times over); a zip bomb does not.
ZIP_MAX_PARTS = 5_000
ZIP_MAX_DIRECTORY_BYTES = 1024 * 1024  # the central directory, parsed into one object per part
ZIP_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # all parts together, as declared
ZIP_MAX_RATIO = 100  # uncompressed / compressed, for parts bigger than ZIP_RATIO_FROM_BYTES
ZIP_RATIO_FROM_BYTES = 1024 * 1024
_MIMETYPE_MAX_BYTES = 128
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_EOCD64_LOCATOR = b"PK\x06\x07"
# What the zip library raises on hostile bytes: every one of them means "not a valid file".
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError,
               NotImplementedError, zlib.error, lzma.LZMAError, struct.error)


class _Bomb(Exception):
    """The archive declares more than an office file ever needs."""


def _read_head(uploaded, size: int) -> bytes:
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(size)
    uploaded.seek(position)
    return head


def _directory_figures(uploaded) -> tuple[int, int]:
    """(parts, central directory bytes) from the ZIP's end record, read before the directory is parsed.

    ZIP64 is refused: an office file within the upload caps never needs it, and its figures
    would be one more place for a bomb to lie.
    """
    uploaded.seek(0, 2)
    size = uploaded.tell()
    tail_size = min(size, _EOCD.size + 0xFFFF)  # the record plus the longest comment
    uploaded.seek(size - tail_size)
    tail = uploaded.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise zipfile.BadZipFile("no end of central directory")
    _sig, _disk, _cd_disk, _here, parts, directory_bytes, _offset, _comment = _EOCD.unpack_from(tail, at)
    if parts == 0xFFFF or directory_bytes == 0xFFFFFFFF or tail[max(0, at - 20):at].startswith(_EOCD64_LOCATOR):
        raise _Bomb("zip64")
    return parts, directory_bytes


def _check_declared_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > ZIP_MAX_PARTS:
        raise _Bomb("parts")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _Bomb("encrypted")
        total += info.file_size
        if total > ZIP_MAX_UNCOMPRESSED_BYTES:
            raise _Bomb("size")
        if info.file_size > ZIP_RATIO_FROM_BYTES and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise _Bomb("ratio")


def _zip_layout(uploaded) -> tuple[set[str], bytes]:
    """(part names, ODF mimetype or b'') of a ZIP, checked for bombs before anything is inflated.

    Raises ``_Bomb`` for an archive beyond the limits and one of ``_ZIP_ERRORS`` for a broken one.
    """
    try:
        parts, directory_bytes = _directory_figures(uploaded)
        if parts > ZIP_MAX_PARTS or directory_bytes > ZIP_MAX_DIRECTORY_BYTES:
            raise _Bomb("directory")
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            _check_declared_sizes(infos)
            names = {info.filename for info in infos}
            mimetype = b""
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > _MIMETYPE_MAX_BYTES:
                    raise _Bomb("mimetype")
                with archive.open(info) as member:  # read(n) inflates at most n bytes whatever the header says
                    mimetype = member.read(_MIMETYPE_MAX_BYTES).strip()
            return names, mimetype
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
    """Whether the bytes are what the extension claims. Unknown extensions never match.

    Raises ``_Bomb`` for an office file whose archive is beyond the limits (see ``check_upload``).
    """
    extension = extension.lower()
    head = _read_head(uploaded, _SNIFF_BYTES)
    if extension in _MAGIC:
        return head.startswith(_MAGIC[extension])
    if extension in _TEXT:
        return _plain_text(head)
    if extension in _ODF or extension in _OOXML:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            names, mimetype = _zip_layout(uploaded)
        except _ZIP_ERRORS:
            return False
        if extension in _ODF:
            return mimetype == _ODF[extension]
        return "[Content_Types].xml" in names and _OOXML[extension] in names
    return False


def safe_name(name: str | None, fallback: str = "allegato") -> str:
    """The file name as it will be stored (what the storage would make of it), never empty."""
    try:
        return get_valid_filename(name or fallback)
    except SuspiciousFileOperation:  # "..", "." and the like
        return get_valid_filename(fallback)


def extension_of(name: str) -> str:
    base = safe_name(name).rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def check_upload(uploaded, allowed: tuple[str, ...] | list[str], max_bytes: int | None = None) -> str:
    """Raise ValidationError (Italian, specific) unless the file is allowed, not empty, small enough
    and really of its type. Returns the safe file name to store it under."""
    name = safe_name(uploaded.name)
    extension = extension_of(name)
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
    try:
        matches = content_matches(extension, uploaded)
    except _Bomb:
        raise ValidationError(
            _("Il file .%(ext)s contiene troppe parti o parti troppo compresse per un documento: "
              "potrebbe essere un archivio costruito per esaurire la memoria. Salvalo di nuovo dal "
              "programma di videoscrittura o dal foglio di calcolo e riprova.") % {"ext": extension},
            code="archive",
        ) from None
    if not matches:
        raise ValidationError(
            _("Il contenuto del file non corrisponde a un file .%(ext)s valido.") % {"ext": extension}, code="content"
        )
    return name


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
