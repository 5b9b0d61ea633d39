"""Wagtail's read-only API v2 (pages only: live and public, as the endpoint enforces)."""
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.visibility import visible


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Public pages only, whoever asks.

    Wagtail lets any logged-in user through a "login" view restriction; on this portal
    reserved content is for members with a verified e-mail, and the API is a public
    channel: restricted pages (their descendants and their aliases) never leave through it.
    """

    def get_base_queryset(self):
        return visible(super().get_base_queryset())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
