"""Per page: how many answered, the average stars, how many found it unclear, and why."""
from collections import defaultdict

from django.db.models import F, Sum
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.models import Page

from portal.feedback.models import POSITIVE_FROM, PageRating, Reason

REPORT_SIZE = 500  # the pages with most answers


def report_rows(limit: int = REPORT_SIZE) -> list[dict]:
    totals = list(PageRating.objects.values("page_id")
                  .annotate(answers=Sum("count"), weighted=Sum(F("stars") * F("count")))
                  .order_by("-answers", "page_id")[:limit])
    page_ids = [t["page_id"] for t in totals]
    pages = Page.objects.in_bulk(page_ids)
    low, reasons = defaultdict(int), defaultdict(lambda: defaultdict(int))
    for row in PageRating.objects.filter(page_id__in=page_ids).values("page_id", "stars", "reason", "count"):
        if row["stars"] < POSITIVE_FROM:
            low[row["page_id"]] += row["count"]
        if row["reason"]:
            reasons[row["page_id"]][row["reason"]] += row["count"]
    labels = dict(Reason.choices)
    return [{
        "page": pages[t["page_id"]], "answers": t["answers"], "average": t["weighted"] / t["answers"],
        "low": low[t["page_id"]],
        "reasons": sorted(((str(labels.get(k, k)), n) for k, n in reasons[t["page_id"]].items()), key=lambda x: -x[1]),
    } for t in totals if t["page_id"] in pages]


def rating_report(request):
    return render(request, "feedback/report.html", {
        "rows": report_rows(), "page_title": _("Valutazioni delle pagine"),
        "header_title": _("Valutazioni delle pagine"), "header_icon": "pick",
    })
