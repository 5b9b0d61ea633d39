import re
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve as static_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from alerts.feeds import SearchFeed
from cms.api import api_router as cms_api_router
from portal import views
from portal.accounts import documents
from portal.accounts.admin_login import admin_login

handler500 = "portal.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("admin/login/", admin_login),  # through allauth: rate limits, verified email
    path("django-admin/login/", admin_login, {"default_next": "/django-admin/"}),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    re_path(r"^documents/(\d+)/(.*)$", documents.serve),  # Wagtail's, never kept by shared caches
    path("documents/", include(wagtaildocs_urls)),
    path("account/", include("portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("cerca/atom/", SearchFeed(), name="search_feed"),  # the Atom feed of any search (alerts/)
    path("cerca/", include("search.urls")),
    path("avvisi/", include("alerts.urls")),
    path("contatta/", include("relay.urls")),
    path("adozioni/", include("adoptions.urls")),
    path("domande/", include("questions.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("valutazione/", include("portal.feedback.urls")),
    path("api/v2/", cms_api_router.urls),
    path("", include("cms.urls")),
]

# /media/: only the image renditions the pages show (every mode: production shows images too,
# unless the web server serves this folder itself). Never MEDIA_ROOT as a whole: documents and
# original images leave only through their permission-checked views (README, "Production").
urlpatterns.append(re_path(
    rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}images/(?P<path>.*)$", static_serve,
    {"document_root": Path(settings.MEDIA_ROOT) / "images"},  # a test may set MEDIA_ROOT as a str
))

urlpatterns.append(path("", include(wagtail_urls)))
