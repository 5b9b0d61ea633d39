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
