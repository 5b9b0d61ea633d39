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
