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

from wagtail.models import Page, PageViewRestriction

PUBLIC = "public"
MEMBERS = "members"
HIDDEN = "hidden"


def indexed_models() -> list:
    """The page types the search covers (each declares its ``search_payload``)."""
    from cms.models import indexed_page_models

    return indexed_page_models()


def type_labels() -> dict[str, str]:
    """content_type -> the model's verbose name ('seminar' -> 'seminario')."""
    return {m.content_kind: str(m._meta.verbose_name) for m in indexed_models()}


def visibility(page) -> str:
    """PUBLIC, MEMBERS (login restriction) or HIDDEN (password/groups), counting ancestors."""
    return kind_of({r.restriction_type for r in page.get_view_restrictions()})


def kind_of(kinds) -> str:
    """PUBLIC, MEMBERS or HIDDEN for the restriction types that apply to a page."""
    if not kinds:
        return PUBLIC
    if kinds <= {PageViewRestriction.LOGIN}:
        return MEMBERS
    return HIDDEN


def is_indexed_type(page) -> bool:
    return isinstance(page, tuple(indexed_models()))


def hidden_paths() -> list[str]:
    """Tree paths under a password or group restriction (never indexed, never shown)."""
    return list(
        PageViewRestriction.objects.exclude(restriction_type=PageViewRestriction.LOGIN).values_list("page__path", flat=True)
    )


def members_paths() -> list[str]:
    return list(
        PageViewRestriction.objects.filter(restriction_type=PageViewRestriction.LOGIN).values_list("page__path", flat=True)
    )


def _exclude_paths(queryset, paths):
    for path in paths:
        queryset = queryset.exclude(path__startswith=path)
    return queryset


def indexable_pages(*, members: bool = True):
    """The live pages of indexed types that may be in the index (members=False: public only)."""
    queryset = Page.objects.live().type(*indexed_models())
    queryset = _exclude_paths(queryset, hidden_paths())
    if not members:
        queryset = _exclude_paths(queryset, members_paths())
    return queryset
