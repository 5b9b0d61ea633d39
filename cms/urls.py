"""Non-page URLs of the content: zone, feeds, calendars, sitemap, exports (the API is in cms.api)."""
from django.urls import path

from cms import agenda, calendar, feeds, sitemaps, views

app_name = "cms"

urlpatterns = [
    path("zone/", views.zona_list, name="zona_list"),
    path("zone/<slug:slug>/", views.zona_detail, name="zona_detail"),
    path("feeds/<slug:kind>/rss/", feeds.ContentFeed(), name="feed_rss"),
    path("feeds/<slug:kind>/atom/", feeds.AtomContentFeed(), name="feed_atom"),
    path("seminari/<id:pk>.ics", calendar.seminar_ics, name="seminar_ics"),
    path("calendario/", agenda.this_month, name="event_calendar"),
    path("calendario/<int:year>/<int:month>/", agenda.month, name="event_calendar_month"),
    path("seminari.ics", calendar.upcoming_ics, name="calendar_ics"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("mappa-del-sito/", sitemaps.site_map, name="site_map"),
    path("dati/<int:pk>/serie.csv", views.data_series_csv, name="data_series_csv"),
    path("export/buone-pratiche.<str:fmt>", views.practices_export, name="practices_export"),
]
