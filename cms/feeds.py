"""RSS and Atom feeds of news, practices, seminars and norms (public, live pages only)."""
from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from cms.models import NewsPage, NormPage, PracticePage, SeminarPage
from cms.models.listing import public_pages
from portal import public_urls

FEED_SIZE = 30


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time(9))) if day else None


class ContentFeed(Feed):
    """One feed per content type; ``kind`` chooses it."""

    feed_type = Rss201rev2Feed
    KINDS = {
        "notizie": (NewsPage, _("Notizie"), ("-date", "-first_published_at")),
        "buone-pratiche": (PracticePage, _("Buone pratiche"), ("-first_published_at",)),
        "seminari": (SeminarPage, _("Seminari"), ("-start",)),
        "norme": (NormPage, _("Quadro normativo"), ("-year", "-date")),
    }

    ALIASES = {"news": "notizie", "practices": "buone-pratiche", "seminars": "seminari", "norms": "norme"}

    def get_object(self, request, kind):
        kind = self.ALIASES.get(kind, kind)
        if kind not in self.KINDS:
            raise Http404(_("Feed inesistente."))
        self.request = request
        return kind

    def title(self, kind):
        return f"{self.KINDS[kind][1]} · {settings.WAGTAIL_SITE_NAME}"

    def link(self, kind):
        model = self.KINDS[kind][0]
        index = public_pages(model).first()
        parent = index.get_parent() if index else None
        return public_urls.absolute_url(parent.url if parent else "/")

    def description(self, kind):
        return _("Gli ultimi contenuti pubblicati: %(what)s.") % {"what": self.KINDS[kind][1]}

    def items(self, kind):
        model, _label, ordering = self.KINDS[kind]
        qs = public_pages(model).order_by(*ordering)
        if model is PracticePage:
            qs = qs.select_related("zona")
        return qs[:FEED_SIZE]

    def item_title(self, item):
        if isinstance(item, NormPage):
            return f"{item.label} – {item.title}"
        return item.title

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
        if isinstance(item, NewsPage):
            return _aware(item.date)
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [t.name for t in item.topics.all()]


class AtomContentFeed(ContentFeed):
    feed_type = Atom1Feed
    subtitle = ContentFeed.description
