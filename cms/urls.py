"""Non-page URLs of the content: feeds, calendars, sitemap, API, exports."""
urlpatterns: list = []
