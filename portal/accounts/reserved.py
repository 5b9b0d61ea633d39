"""Responses for reserved content: the title and a login (or verify-your-email) prompt, never the content."""
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction


def reserved_response(request, title: str, *, members_only: bool = True):
    """403 with a prompt. ``members_only`` False: reserved to a group or behind a password, where
    verifying an e-mail address would not help."""
    context = {"title": title, "next": request.get_full_path(), "members_only": members_only}
    response = render(request, "accounts/members_only.html", context, status=403)
    add_never_cache_headers(response)
    return response


def reserved_page_response(request, page, restrictions):
    """The 403 for a page the ``restrictions`` (cms.visibility.refusing) keep from this visitor.

    The title of members-only content is public by design (a prompt to log in); the title of
    content reserved to a group or behind a password is not shown."""
    members_only = all(r.restriction_type == PageViewRestriction.LOGIN for r in restrictions)
    title = page.title if members_only else _("Contenuto riservato")
    return reserved_response(request, title, members_only=members_only)
