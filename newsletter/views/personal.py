"""Pages behind a subscriber's personal signed link: preferences, data download, erasure, unsubscribe.

No login: possession of the signed link is the credential. A forged or altered
link gets a 400 page and changes nothing.
"""
from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsletter import subscriptions
from newsletter.forms import EraseForm, PreferencesForm
from newsletter.messages import personal_links
from newsletter.models import ConsentRecord
from newsletter.views.common import LinkProblem, client_ip, link_error, subscriber_from_personal_token


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    try:
        subscriber = subscriber_from_personal_token(token)
    except LinkProblem as problem:
        return link_error(request, problem)
    initial = {"name": subscriber.name, "topics": subscriber.topics.all(), "zones": subscriber.zones.all()}
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = False
    if request.method == "POST":
        if form.is_valid():
            subscriptions.update_preferences(
                subscriber, name=form.cleaned_data["name"],
                topics=form.cleaned_data["topics"], zones=form.cleaned_data["zones"],
            )
            saved = True
    context = {
        "subscriber": subscriber, "form": form, "saved": saved, "token": token,
        "export_url": reverse("newsletter:export", args=[token]),
        "erase_url": reverse("newsletter:erase", args=[token]),
        "unsubscribe_url": personal_links(subscriber).unsubscribe_path,
    }
    return render(request, "newsletter/preferences.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def export(request, token):
    """GDPR: everything we hold about the subscriber, as a JSON download."""
    try:
        subscriber = subscriber_from_personal_token(token)
    except LinkProblem as problem:
        return link_error(request, problem)
    body = json.dumps(subscriptions.export_data(subscriber), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsletter-dati-personali.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def erase(request, token):
    """GDPR: delete the subscriber; only anonymous send counts remain."""
    try:
        subscriber = subscriber_from_personal_token(token)
    except LinkProblem as problem:
        return link_error(request, problem)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        subscriptions.erase(subscriber)
        return render(request, "newsletter/erased.html")
    return render(
        request, "newsletter/erase.html", {"subscriber": subscriber, "form": form, "token": token},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie, session or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with a confirm button. POST: unsubscribe at once and answer 200, never a redirect."""
    try:
        subscriber = subscriber_from_personal_token(token)
    except LinkProblem as problem:
        if problem.status == 404 and request.method == "POST":
            # Erased already: what was asked for is true, say so.
            return render(request, "newsletter/unsubscribed.html", {"subscriber": None})
        return link_error(request, problem)
    if request.method == "GET":
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    source = ConsentRecord.Source.ONE_CLICK if one_click else ConsentRecord.Source.UNSUBSCRIBE
    subscriptions.unsubscribe(subscriber, source=source, ip=client_ip(request))
    return render(request, "newsletter/unsubscribed.html", {
        "subscriber": subscriber,
        "preferences_url": personal_links(subscriber).preferences_path,
    })
