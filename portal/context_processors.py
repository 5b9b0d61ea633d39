"""Values every template of the portal uses."""
from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal import public_urls


def _menu_entries(site, request) -> list[tuple[str, str]]:
    from cms.visibility import visible

    return [
        (page.title, page.get_url(request) or "#")
        for page in visible(site.root_page.get_children().live()).in_menu().only("title", "url_path", "path")
    ]


def _fixed_entries() -> list[tuple[str, str]]:
    """Sections that are views, not pages (so no 'show in menus' box): the Zone distretto."""
    from django.urls import reverse
    from django.utils.translation import gettext

    return [(gettext("Zone distretto"), reverse("cms:zona_list"))]


def _main_menu(request):
    """Live, public children of the site root marked 'show in menus' (cached until the content changes)."""
    from wagtail.models import Site

    from portal import content_version

    site = Site.find_for_request(request)
    if site is None:
        return []
    path = request.path
    entries = content_version.memo(f"main-menu:{site.pk}", lambda: _menu_entries(site, request))
    entries = [*entries, *_fixed_entries()]
    return [{"title": title, "url": url, "active": url != "/" and path.startswith(url)} for title, url in entries]


def portal(request):
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "PUBLIC_BASE_URL": public_urls.base_url(),
        "CONTACT_EMAIL": getattr(settings, "CONTACT_EMAIL", ""),
        "main_menu_items": SimpleLazyObject(lambda: _main_menu(request)),
    }
