"""Turning rich text and StreamFields into plain text (for search and listings)."""
import html
import re

from django.utils.html import strip_tags

_SPACES = re.compile(r"\s+")


def plain_text(value) -> str:
    """Plain text of a string of HTML, a RichText or a StreamValue; '' for None."""
    if value is None:
        return ""
    stream_block = getattr(value, "stream_block", None)
    if stream_block is not None:
        parts = stream_block.get_searchable_content(value)
        return _SPACES.sub(" ", " ".join(plain_text(p) for p in parts)).strip()
    source = getattr(value, "source", value)
    text = html.unescape(strip_tags(str(source).replace("<", " <")))
    return _SPACES.sub(" ", text).strip()


def join_text(*values) -> str:
    return " ".join(t for t in (plain_text(v) for v in values) if t)
