"""The counting redirect of an edition's links (``newsletter.reporting``): a counter, no identity.

The URL is the same in every subscriber's mail; the view reads no cookie or session and
stores only "one more click" on the link. It redirects to the stored URL of that link and
nowhere else: a link id that does not exist is a 404, never a redirect taken from the request.
"""
from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from newsletter import reporting


@require_safe
def follow_link(request, link_id: int):
    url = reporting.follow(link_id, count=request.method == "GET")  # a HEAD (link checkers) is not a click
    if url is None:
        return render(request, "newsletter/link_error.html", {
            "title": _("Collegamento non trovato"),
            "message": _("Questo collegamento non appartiene a nessuna edizione della newsletter."),
        }, status=404)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"  # every click reaches the counter
    response["Referrer-Policy"] = "no-referrer"
    return response
