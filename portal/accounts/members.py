"""Who is a member, and what is "riservato agli operatori".

Reserved means: a page with a Wagtail *login* view restriction (on itself or an
ancestor), the materials of a seminar marked ``members_only_materials``, and any
document such content references. Members are logged-in users with a verified e-mail.
Other apps (search, feeds, sitemap, API, newsletter) ask here instead of re-deciding.
"""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, PageViewRestriction, ReferenceIndex

MATERIAL_FIELDS = ("materials", "recording_url")  # SeminarPage fields hidden when members_only_materials


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
    """A login restriction on the page or an ancestor (what editors set as 'privata, utenti registrati')."""
    return any(r.restriction_type == PageViewRestriction.LOGIN for r in page.get_view_restrictions())


def members_only_page_ids() -> set[int]:
    """Ids of every page under a login restriction: for filters in listings, search, feeds."""
    restricted_paths = PageViewRestriction.objects.filter(restriction_type=PageViewRestriction.LOGIN).values_list(
        "page__path", flat=True
    )
    ids: set[int] = set()
    for path in restricted_paths:
        ids.update(Page.objects.filter(path__startswith=path).values_list("pk", flat=True))
    return ids


def has_reserved_materials(page) -> bool:
    """A seminar (specific page) whose materials and recording are for members only."""
    return bool(getattr(page, "members_only_materials", False))


def document_is_reserved(document) -> bool:
    """Referenced by a members-only page, or by the materials of a seminar with reserved materials."""
    page_type = ContentType.objects.get_for_model(Page)
    references = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    page_ids = {int(object_id) for object_id in references.values_list("object_id", flat=True)}
    if not page_ids:
        return False
    material_page_ids = {
        int(object_id)
        for object_id, model_path in references.values_list("object_id", "model_path")
        if model_path.split(".", 1)[0] in MATERIAL_FIELDS
    }
    if material_page_ids:
        from cms.models import SeminarPage

        if SeminarPage.objects.filter(pk__in=material_page_ids, members_only_materials=True).exists():
            return True
    for page in Page.objects.filter(pk__in=page_ids):
        if page_is_members_only(page):
            return True
    return False
