"""Which pages the search covers and who may see them: asked by indexing and by the database backend.

Visibility rule (documented in the README, "Ricerca"):
- live pages of the indexed types with no view restriction: ``restricted = false``;
- pages restricted to logged-in users (Wagtail "login" restriction, the members'
  content): indexed with ``restricted = true`` and filtered out of every query made
  by an anonymous visitor;
- pages behind a password or restricted to groups: never indexed (the index cannot
  tell who knows the password or belongs to the group).
Drafts are never indexed: documents are built from the page row, which holds the
live version only, and only for live pages.
"""
from __future__ import annotations

from wagtail.models import Page

from cms.visibility import HIDDEN, MEMBERS, PUBLIC, kind_of, kinds_by_page, visible

__all__ = ["HIDDEN", "MEMBERS", "PUBLIC", "indexable_pages", "indexed_models", "is_indexed_type", "specific_pages", "type_labels", "visibilities", "visibility"]


def indexed_models() -> list:
    """The page types the search covers (each declares its ``search_payload``)."""
    from cms.models import indexed_page_models

    return indexed_page_models()


def type_labels() -> dict[str, str]:
    """content_type -> the model's verbose name ('seminar' -> 'seminario')."""
    return {m.content_kind: str(m._meta.verbose_name) for m in indexed_models()}


def visibility(page) -> str:
    """PUBLIC, MEMBERS (login restriction) or HIDDEN (password/groups): ``cms.visibility``
    decides, counting ancestors and the sources of aliases."""
    return kind_of(page)


def visibilities(pages) -> dict[int, str]:
    """page id -> PUBLIC, MEMBERS or HIDDEN for many pages, the restrictions read once."""
    return kinds_by_page(list(pages))


def is_indexed_type(page) -> bool:
    return isinstance(page, tuple(indexed_models()))


def indexable_pages(*, members: bool = True):
    """The live pages of indexed types that may be in the index (members=False: public only),
    by the one visibility rule of ``cms.visibility``."""
    return visible(Page.objects.live().type(*indexed_models()), member=members)


def specific_pages(page_ids, *, live: bool = False) -> dict:
    """page id -> the specific page, with what a hit or a listing shows of it (zone, sessions,
    speakers) read with it: one query for the types, then one per type and
    related field, however many pages (``Page.specific()`` reads each page's relations one by one)."""
    from django.contrib.contenttypes.models import ContentType

    rows = Page.objects.filter(pk__in=list(page_ids))
    if live:
        rows = rows.live()
    by_type: dict[int, list[int]] = {}
    for page_id, type_id in rows.values_list("pk", "content_type_id"):
        by_type.setdefault(type_id, []).append(page_id)
    pages: dict = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        if not is_indexed_model(model):
            pages.update((p.pk, p) for p in model.objects.filter(pk__in=ids))
            continue
        names = {f.name for f in model._meta.get_fields()}
        related = [n for n in ("zona",) if n in names]
        prefetch = [n for n in ("zones", "sessions", "speakers") if n in names]
        pages.update((p.pk, p) for p in model.objects.filter(pk__in=ids).select_related(*related).prefetch_related(*prefetch))
    return pages


def is_indexed_model(model) -> bool:
    return model in indexed_models()
