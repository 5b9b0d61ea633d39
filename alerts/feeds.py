"""The Atom feed of any search: its newest matching pages, as a visitor sees them (public only)."""
from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from alerts.describing import describe, search_path
from portal.public_urls import absolute_url
from search.service import query_string, request_from_query_string, search

FEED_SIZE = 30


class SearchFeed(Feed):
    """``/cerca/atom/?<the search's parameters>``: never members-only content (feeds are public)."""

    feed_type = Atom1Feed

    def get_object(self, request):
        query = query_string(request_from_query_string(request.GET.urlencode(), member=False))
        return query

    def title(self, query):
        return _("Ricerca %(what)s · %(site)s") % {"what": describe(query), "site": settings.WAGTAIL_SITE_NAME}

    def link(self, query):
        return absolute_url(search_path(query))

    def subtitle(self, query):
        return _("I contenuti più recenti che corrispondono alla ricerca.")

    def items(self, query):
        request = request_from_query_string(query, member=False, sort="date", per_page=FEED_SIZE)
        return search(request).hits

    def item_title(self, hit):
        return hit.title

    def item_description(self, hit):
        return escape(hit.summary)

    def item_link(self, hit):
        return absolute_url(hit.url or "/")

    def item_guid(self, hit):
        return absolute_url(f"/page/{hit.page_id}")

    item_guid_is_permalink = False

    def item_pubdate(self, hit):
        return timezone.make_aware(datetime.combine(hit.date, time(9))) if hit.date else None
