"""What the index holds for a page: which pages count, who may see them, their document.

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

from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

PUBLIC = "public"
MEMBERS = "members"
HIDDEN = "hidden"


def indexed_models() -> list:
    from cms.models import indexed_page_models

    return indexed_page_models()


def type_labels() -> dict[str, str]:
    """content_type -> the model's verbose name ('seminar' -> 'seminario')."""
    return {m.content_kind: str(m._meta.verbose_name) for m in indexed_models()}


def visibility(page) -> str:
    """PUBLIC, MEMBERS (login restriction) or HIDDEN (password/groups), counting ancestors."""
    kinds = {r.restriction_type for r in page.get_view_restrictions()}
    if not kinds:
        return PUBLIC
    if kinds <= {PageViewRestriction.LOGIN}:
        return MEMBERS
    return HIDDEN


def is_indexed_type(page) -> bool:
    return isinstance(page, tuple(indexed_models()))


def document_for(page) -> dict | None:
    """The document for a page, or None when the page must not be in the index."""
    from search.attachments import attachments_text

    page = page.specific if type(page) is Page else page
    if not is_indexed_type(page) or not page.live:
        return None
    seen_by = visibility(page)
    if seen_by == HIDDEN:
        return None
    payload = page.search_payload()
    norm_ids = list(payload.get("norm_ids") or [])
    own = payload["content_type"] == "norm"
    reserved_materials = bool(getattr(page, "members_only_materials", False))
    return {
        "page_id": payload["id"],
        "content_type": payload["content_type"],
        "title": payload["title"],
        "summary": payload.get("summary") or "",
        "body": payload.get("body") or "",
        "attachments": "" if reserved_materials else attachments_text(payload.get("attachments") or []),
        "zones": payload.get("zones") or [],
        "topics": payload.get("topics") or [],
        "tags": payload.get("tags") or [],
        "date": payload.get("date"),
        "year": payload.get("year"),
        "evaluation_level": payload.get("evaluation_level"),
        "upcoming": payload.get("upcoming"),
        "act_ids": norm_ids if own else [],
        "related_act_ids": [] if own else norm_ids,
        "restricted": seen_by == MEMBERS,
        "url": payload.get("url") or "",
        "first_published_at": payload.get("first_published_at"),
        "last_published_at": payload.get("last_published_at"),
        "indexed_at": timezone.now(),
    }


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


def specific_pages(page_ids) -> dict[int, Page]:
    """page id -> specific page, for the ids that still exist."""
    return {p.pk: p for p in Page.objects.filter(pk__in=list(page_ids)).specific()}
