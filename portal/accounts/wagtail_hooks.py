"""Wagtail hooks of the accounts concern: members-only pages and documents.

(The Zona limit of the Referenti di Zona lives with the page type: cms/zona_limit.py.)
"""
from django.http import Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.models import PageViewRestriction

from portal.accounts.reserved import reserved_page_response, reserved_response


@hooks.register("before_serve_page", order=-10)
def restricted_pages(page, request, serve_args, serve_kwargs):
    """Every restriction that covers the page (cms.visibility: aliases and their sources'
    sections included), before Wagtail's own check, which only wants *a* login and does not
    follow an alias to its source's ancestors."""
    from cms.visibility import refusing

    refused = refusing(page, request)
    for restriction in refused:
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            from wagtail.forms import PasswordViewRestrictionForm

            form = PasswordViewRestrictionForm(instance=restriction, initial={"return_url": request.get_full_path()})
            action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, page.id])
            response = page.serve_password_required_response(request, form, action_url)
            add_never_cache_headers(response)
            return response
    return reserved_page_response(request, page, refused) if refused else None


@hooks.register("before_serve_document")
def documents_follow_their_pages(document, request):
    """Editors who may manage the document always get it; visitors when a page they may see uses it."""
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    from cms.visibility import document_visible

    permission_policy = policy_registry.get_by_type(get_document_model())
    if permission_policy.user_has_any_permission_for_instance(request.user, ["change", "choose"], document):
        return None
    if document_visible(document, request):
        return None
    if document_visible(document, None, member=True):
        return reserved_response(request, document.title)
    raise Http404


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
