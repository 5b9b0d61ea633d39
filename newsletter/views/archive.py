"""Public archive of sent editions (web version) and its RSS feed, both read from the copy kept as sent."""
from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsletter import conf
from newsletter.editions import kind_labels, sections
from newsletter.models import Edition
from newsletter.rendering import editorial_html
from newsletter.sent_copies import public_items

# Editions being sent are readable too: the mails already link to their web version.
READABLE = [Edition.Status.SENT, Edition.Status.SENDING, Edition.Status.PAUSED]


def archive(request):
    editions = Edition.objects.filter(status=Edition.Status.SENT).order_by("-number")
    page = Paginator(editions, 12).get_page(request.GET.get("pagina"))
    return render(request, "newsletter/archive.html", {"page_obj": page, "editions": page.object_list})


def archive_detail(request, number: int):
    edition = Edition.objects.filter(number=number, status__in=READABLE).first()
    if edition is None:
        raise Http404(_("Edizione non trovata"))
    return render(request, "newsletter/archive_detail.html", {
        "edition": edition,
        "sections": sections(public_items(edition)),
        "editorial": editorial_html(edition),
        "kind_labels": kind_labels(),
    })


class EditionFeed(Feed):
    """RSS 2.0 of the sent editions; links are absolute on PUBLIC_BASE_URL."""

    title = _("Newsletter della Comunità di Pratica per l'inclusione sociale in Toscana")
    description = _("Ogni due mesi il quadro evolutivo della normativa di riferimento e i principali dati a disposizione.")

    def link(self):
        return conf.absolute_url(reverse("newsletter:archive"))

    def items(self):
        return Edition.objects.filter(status=Edition.Status.SENT).order_by("-number")[:20]

    def item_title(self, item):
        return f"Newsletter {item.title}"

    def item_description(self, item):
        blocks = sections(public_items(item))
        parts = [f"{b.label}: " + "; ".join(i.title for i in b.items) for b in blocks]
        return " · ".join(parts) or str(_("Edizione senza contenuti."))

    def item_link(self, item):
        return conf.absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.sent_at

    def item_guid(self, item):
        return conf.absolute_url(item.get_absolute_url())

    item_guid_is_permalink = True
