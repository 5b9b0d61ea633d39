"""Receiving a rating: a plain form POST (works without JavaScript), limited per visitor."""
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.models import Page

from portal.clientip import client_ip
from portal.feedback.forms import RatingForm
from portal.feedback.models import PageRating

LIMIT_PER_HOUR = 20  # answers from one address; more is a script, not a reader


def _too_many(request) -> bool:
    """Counted in the cache under a hash of the address (never stored with the answer)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()[:32]
    key = f"feedback:ip:{digest}"
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) > LIMIT_PER_HOUR
    except ValueError:  # evicted between add and incr
        return False


def _visible_page(page_id: int) -> Page:
    from cms.visibility import visible

    page = visible(Page.objects.live()).filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


@require_POST
def rate(request, page_id: int):
    page = _visible_page(page_id)
    if _too_many(request):
        return render(request, "feedback/too_many.html", {"page": page}, status=429)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/thanks.html", {"rated_page": page, "form": form}, status=400)
    month = timezone.localdate().replace(day=1)
    PageRating.add(page.pk, month, form.cleaned_data["stars"], form.cleaned_data["reason"] or "")
    return render(request, "feedback/thanks.html", {"rated_page": page, "form": None})
