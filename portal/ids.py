"""Numbers a visitor sends (ids in URLs and forms, API offsets) kept inside the database's integer range.

Every id column is a 64-bit integer. A larger number cannot name a row, yet reaching the
database with it fails instead of finding nothing: SQLite's driver raises OverflowError
("Python int too large to convert to SQLite INTEGER"), PostgreSQL refuses an OFFSET beyond
bigint. Django already answers "no such row" for ``pk=<huge>``; this module does the same
for the other ways such a number arrives, in one place:

- ``<id:...>`` in URL patterns: only 1 to 19 digits within the range, anything else is a 404;
- ``field__in=[...]`` on integer fields (model choice fields, e.g. the profile's topics):
  values out of range match nothing, as ``field=<huge>`` does;
- :func:`bounded_int` for query parameters (the API's offset, limit and ids).
"""
from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In
from django.urls import register_converter

MAX_ID = 2**63 - 1
MIN_ID = -(2**63)


def in_range(value: int) -> bool:
    return MIN_ID <= value <= MAX_ID


def bounded_int(raw, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """``raw`` as an integer between ``minimum`` and ``maximum``; ValueError otherwise (the caller says 400)."""
    text = str(raw).strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 20:
        raise ValueError(raw)
    value = int(text)
    if not minimum <= value <= maximum:
        raise ValueError(raw)
    return value


class IdConverter:
    """``<id:pk>``: a row id. Larger than any row can have: no match, hence 404 (never a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # Django's resolver reads this as "no match"
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class BoundedIn(In):
    """``in`` on integer fields: values no 64-bit column can hold are left out (they match nothing)."""

    def get_prep_lookup(self):
        values = super().get_prep_lookup()
        if isinstance(values, (list, tuple, set, frozenset)):
            kept = [v for v in values if not isinstance(v, int) or in_range(v)]
            if len(kept) != len(values):
                return type(values)(kept) if not isinstance(values, (set, frozenset)) else set(kept)
        return values


register_converter(IdConverter, "id")
IntegerField.register_lookup(BoundedIn)
