"""Who is a member, and what is "riservato agli operatori".

Reserved means: a page covered by a Wagtail *login* view restriction (on itself, an
ancestor, or through an alias: cms.visibility decides), the materials of a seminar marked
``members_only_materials``, and any document that only such content uses. Members are
logged-in users with a verified e-mail. Other apps ask cms.visibility or here instead of
re-deciding.
"""
from __future__ import annotations

from wagtail.models import Page, PageViewRestriction


def is_verified_member(user) -> bool:
    """Logged in with at least one verified e-mail address (memoised on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_cdp_verified_member", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._cdp_verified_member = cached
    return cached


def page_is_members_only(page: Page) -> bool:
    """A login restriction covers the page (what editors set as 'privata, utenti registrati')."""
    from cms.visibility import refusing

    return any(r.restriction_type == PageViewRestriction.LOGIN for r in refusing(page, member=False))


def members_only_page_ids() -> set[int]:
    """Ids of every page a login restriction covers (aliases included)."""
    from cms.visibility import visible

    seen_by_members = set(visible(Page.objects.all(), member=True).values_list("pk", flat=True))
    return seen_by_members - set(visible(Page.objects.all(), member=False).values_list("pk", flat=True))


def has_reserved_materials(page) -> bool:
    """A seminar (specific page) whose materials and recording are for members only."""
    return bool(getattr(page, "members_only_materials", False))


def document_is_reserved(document) -> bool:
    """Refused to anonymous visitors: no live page they may see uses it (cms.visibility.document_visible)."""
    from cms.visibility import document_visible

    return not document_visible(document, None, member=False)
