"""RSS and Atom feeds of the page types that declare one (public, live pages only).

Which page types have a feed, at which address, under which title and in which order is declared
by each page type (``feed``, a cms.models.declarations.FeedDeclaration; today news, practices,
seminars and norms), and what an item shows beyond the defaults is asked of the page
(``feed_item_title()``, ``feed_item_pubdate()``): a new page type gets a feed without editing this
module.
"""
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from cms.models import INDEXED_PAGE_MODELS
from cms.models.listing import public_pages
from portal import public_urls

FEED_SIZE = 30


def feed_models() -> dict[str, type]:
    """{slug: page type} of every feed, its aliases (the English slugs) included."""
    found = {}
    for model in INDEXED_PAGE_MODELS:
        if model.feed is not None:
            for slug in (model.feed.slug, *model.feed.aliases):
                found[slug] = model
    return found


class ContentFeed(Feed):
    """One feed per page type that declares one; the slug in the address chooses it (the object is the page type)."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, kind):
        model = feed_models().get(kind)
        if model is None:
            raise Http404(_("Feed inesistente."))
        self.request = request
        return model

    def title(self, model):
        return f"{model.feed.title} · {settings.WAGTAIL_SITE_NAME}"

    def link(self, model):
        index = public_pages(model).first()
        parent = index.get_parent() if index else None
        return public_urls.absolute_url(parent.url if parent else "/")

    def description(self, model):
        return _("Gli ultimi contenuti pubblicati: %(what)s.") % {"what": model.feed.title}

    def items(self, model):
        qs = public_pages(model).order_by(*model.feed.ordering)
        if model.feed.select_related:
            qs = qs.select_related(*model.feed.select_related)
        return qs[:FEED_SIZE]

    def item_title(self, item):
        return item.feed_item_title()

    def item_description(self, item):
        # RSS <description> and Atom <summary type="html"> are HTML: the plain-text summary is escaped,
        # or markup typed in it would run in feed readers.
        return escape(item.summary)

    def item_link(self, item):
        return public_urls.page_url(item)

    def item_guid(self, item):
        return public_urls.absolute_url(f"/page/{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.feed_item_pubdate()

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [t.name for t in item.topics.all()]


class AtomContentFeed(ContentFeed):
    feed_type = Atom1Feed
    subtitle = ContentFeed.description
