"""sitemap.xml: Wagtail's live pages that anyone may see (cms.visibility), plus the zona pages."""
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap_view

from cms.models import Zona
from cms.visibility import visible
from portal import public_urls


class PageSitemap(WagtailSitemap):
    """Wagtail's sitemap filters by tree path only: the aliases of restricted pages would be listed."""

    def items(self):
        return visible(super().items())


class ZonaSitemap(DjangoSitemap):
    """Zona pages, on the public origin (Django's sitemaps would take the request's host)."""

    changefreq = "monthly"

    def get_protocol(self, protocol=None):
        return public_urls.base_url().split("://", 1)[0]

    def get_domain(self, site=None):
        return public_urls.base_url().split("://", 1)[1]

    def items(self):
        return Zona.objects.order_by("name")


def sitemap(request):
    return wagtail_sitemap_view(request, sitemaps={"pagine": PageSitemap, "zone": ZonaSitemap})


# The HTML site map ("Mappa del sito", linked from the footer) lists each section with its latest
# pages up to this many, then links the section's own listing: a portal of 100k practices stays one page.
SITE_MAP_PER_SECTION = 50


def site_map(request):
    """The HTML site map for people: the public sections under the site root, their pages, the Zone."""
    from django.shortcuts import render
    from django.utils.translation import gettext as _
    from wagtail.models import Site

    site = Site.find_for_request(request)
    sections = []
    if site is not None:
        for section in visible(site.root_page.get_children().live()).order_by("path"):
            pages = list(visible(section.get_children().live()).only("title", "url_path", "path", "depth")
                         .order_by("-first_published_at", "path")[:SITE_MAP_PER_SECTION + 1])
            sections.append({"page": section, "children": pages[:SITE_MAP_PER_SECTION],
                             "more": len(pages) > SITE_MAP_PER_SECTION})
    return render(request, "cms/site_map.html", {
        "sections": sections, "zones": Zona.objects.order_by("name").only("name", "slug"),
        "crumbs": [(_("Home"), "/"), (_("Mappa del sito"), None)],
    })
