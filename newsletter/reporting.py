"""What an edition achieved, counted without tracking people.

Per edition: messages delivered (accepted by the mail server), bounces (hard and soft, from
the SMTP exchange or reported later for the edition), unsubscriptions (attributed to the last
edition the subscriber had received: a counter on the edition, no name), and, when the
edition counts clicks, how many times each of its links was followed.

Clicks go through ``/newsletter/link/<id>/``: the same URL in every subscriber's mail, so the
redirect cannot know who clicked and stores nothing but a counter; it only leads to the URLs
stored for the edition (its own items), never to one taken from the request. There is no
open pixel. Counting is off by default (``NEWSLETTER_CLICK_COUNTING``) and decided when an
edition starts sending (``Edition.counts_clicks``).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Sum
from django.urls import reverse

from newsletter import conf
from newsletter.models import BounceRecord, Delivery, Edition, EditionLink


def tracked_urls(edition: Edition, urls) -> dict[str, str]:
    """The counting redirect of each URL of the edition (stored once; concurrent renders agree)."""
    urls = sorted(set(urls))
    EditionLink.objects.bulk_create([EditionLink(edition=edition, url=url) for url in urls], ignore_conflicts=True)
    stored = EditionLink.objects.filter(edition=edition, url__in=urls).values_list("url", "pk")
    return {url: conf.absolute_url(reverse("newsletter:link", args=[pk])) for url, pk in stored}


def follow(link_id: int, count: bool = True) -> str | None:
    """Where a stored link leads (None: no such link), counting one click unless ``count`` is False."""
    if count and not EditionLink.objects.filter(pk=link_id).update(clicks=F("clicks") + 1):
        return None
    return EditionLink.objects.filter(pk=link_id).values_list("url", flat=True).first()


def count_unsubscribe(subscriber) -> None:
    """One more unsubscription for the last edition the subscriber received (a counter, no name)."""
    last = (Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.SENT)
            .order_by("-sent_at", "-pk").values_list("edition_id", flat=True).first())
    if last is not None:
        Edition.objects.filter(pk=last).update(unsubscribed_count=F("unsubscribed_count") + 1)


@dataclass
class EditionReport:
    delivered: int
    bounced_hard: int
    bounced_soft: int
    unsubscribed: int
    counts_clicks: bool
    clicks: int
    links: list  # (url, clicks), most followed first

    @property
    def bounced(self) -> int:
        return self.bounced_hard + self.bounced_soft


def edition_report(edition: Edition) -> EditionReport:
    bounces = dict(BounceRecord.objects.filter(edition=edition).values_list("kind").annotate(n=Count("pk"))
                   .values_list("kind", "n"))
    links = EditionLink.objects.filter(edition=edition).order_by("-clicks", "url")
    return EditionReport(
        delivered=Delivery.objects.filter(edition=edition, status=Delivery.Status.SENT).count(),
        bounced_hard=bounces.get(BounceRecord.Kind.HARD, 0),
        bounced_soft=bounces.get(BounceRecord.Kind.SOFT, 0),
        unsubscribed=edition.unsubscribed_count,
        counts_clicks=edition.counts_clicks,
        clicks=links.aggregate(n=Sum("clicks"))["n"] or 0,
        links=list(links.values_list("url", "clicks")),
    )
