"""Words for a saved search: «parole» · Zona: Valdinievole · Tipo: Buona pratica."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from search.querying.facets import FACETS, value_labels
from search.service import request_from_query_string


def describe(query: str) -> str:
    request = request_from_query_string(query, member=False)
    labels = value_labels()
    parts = [f"«{request.q}»"] if request.q else []
    for spec in FACETS:
        values = request.selected(spec.name)
        if values:
            names = labels.get(spec.name, {})
            parts.append(f"{spec.label}: " + ", ".join(str(names.get(v, v)) for v in values))
    return " · ".join(parts) or _("tutti i contenuti")


def search_path(query: str) -> str:
    return reverse("search:search") + (f"?{query}" if query else "")


def feed_path(query: str) -> str:
    return reverse("search_feed") + (f"?{query}" if query else "")
