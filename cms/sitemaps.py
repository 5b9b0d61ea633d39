"""sitemap.xml: Wagtail's live, public pages plus the zona pages."""
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap_view

from cms.models import Zona


class ZonaSitemap(DjangoSitemap):
    changefreq = "monthly"

    def items(self):
        return Zona.objects.order_by("name")


def sitemap(request):
    return wagtail_sitemap_view(request, sitemaps={"pagine": WagtailSitemap, "zone": ZonaSitemap})
