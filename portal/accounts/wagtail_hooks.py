"""Wagtail hooks of the accounts concern: members-only pages and documents.

(The Zona limit of the Referenti di Zona lives with the page type: cms/permissions.py.)
"""
from wagtail import hooks

from portal.accounts.members import document_is_reserved, is_verified_member, page_is_members_only
from portal.accounts.reserved import reserved_response


@hooks.register("before_serve_page", order=-10)
def members_only_pages(page, request, serve_args, serve_kwargs):
    """Runs before Wagtail's own login-restriction check, which only wants *a* login."""
    if page_is_members_only(page) and not is_verified_member(request.user):
        return reserved_response(request, page.title)
    return None


@hooks.register("before_serve_document")
def members_only_documents(document, request):
    if not is_verified_member(request.user) and document_is_reserved(document):
        return reserved_response(request, document.title)
    return None


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    from portal.accounts.admin_views import RegistrationViewSet

    return RegistrationViewSet("seminar_registrations")


@hooks.register("register_page_header_buttons")
def attendees_button(page, user, view_name=None, next_url=None):
    """On a seminar in the admin: a shortcut to its attendees (and their CSV export)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from wagtail.admin.widgets import Button

    if getattr(page.specific_class, "__name__", "") != "SeminarPage" or not user.has_perm("accounts.view_registration"):
        return
    url = reverse("seminar_registrations:index") + f"?seminar={page.pk}"
    yield Button(_("Iscritti"), url, icon_name="group", priority=60)
