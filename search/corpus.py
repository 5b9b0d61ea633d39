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

from cms.visibility import HIDDEN, MEMBERS, PUBLIC, kind_of, visible

__all__ = ["HIDDEN", "MEMBERS", "PUBLIC", "indexable_pages", "indexed_models", "is_indexed_type", "type_labels", "visibility"]


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


def is_indexed_type(page) -> bool:
    return isinstance(page, tuple(indexed_models()))


def indexable_pages(*, members: bool = True):
    """The live pages of indexed types that may be in the index (members=False: public only),
    by the one visibility rule of ``cms.visibility``."""
    return visible(Page.objects.live().type(*indexed_models()), member=members)
