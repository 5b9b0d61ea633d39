"""Values every template of the portal uses."""
from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _main_menu(request):
    """Live, public children of the site root marked 'show in menus' (one query, only if rendered)."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is None:
        return []
    path = request.path
    items = []
    for page in site.root_page.get_children().live().public().in_menu().only("title", "url_path", "path"):
        url = page.get_url(request) or "#"
        items.append({"title": page.title, "url": url, "active": url != "/" and path.startswith(url)})
    return items


def portal(request):
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL,
        "main_menu_items": SimpleLazyObject(lambda: _main_menu(request)),
    }
