"""Pages behind a subscriber's personal signed link: preferences, data download, erasure, unsubscribe.

Download and erasure act only through a second link mailed to the address (``_data_request``).

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

from django.utils.translation import gettext as _

from newsletter import conf, subscriptions, tokens
from newsletter.forms import EraseForm, PreferencesForm
from newsletter.messages import personal_links
from newsletter.models import ConsentRecord, Subscriber
from newsletter.views.common import (
    LinkProblem,
    client_ip,
    invalid_link,
    link_error,
    subscriber_from_personal_token,
)


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


def _masked(email: str) -> str:
    """m***@example.it: enough for its owner to recognise, little for whoever holds a forwarded mail."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _data_request(request, token, purpose: str):
    """The personal link only asks: the download or erasure link is mailed to the subscriber's address.

    The personal link travels with every newsletter, also when it is forwarded; whoever holds it
    can ask, but only the owner of the address receives the link that acts.
    """
    try:
        subscriber = subscriber_from_personal_token(token)
    except LinkProblem as problem:
        return link_error(request, problem)
    sent = False
    if request.method == "POST":
        subscriptions.request_data_link(subscriber, purpose)
        sent = True
    return render(request, "newsletter/data_request.html", {
        "purpose": purpose, "sent": sent, "masked_email": _masked(subscriber.email), "hours": conf.data_link_hours(),
        "preferences_url": reverse("newsletter:preferences", args=[token]),
    })


@require_http_methods(["GET", "POST"])
def export(request, token):
    """GDPR download, step 1: mail the download link to the address."""
    return _data_request(request, token, "export")


@require_http_methods(["GET", "POST"])
def erase(request, token):
    """GDPR erasure, step 1: mail the erasure link to the address."""
    return _data_request(request, token, "erase")


def _subscriber_from_data_token(token: str, purpose: str):
    try:
        key = tokens.read_data_token(token, purpose)
    except tokens.ExpiredToken:
        raise LinkProblem(
            410, _("Collegamento scaduto"),
            _("Il collegamento è scaduto. Chiedine uno nuovo dalla pagina delle preferenze della newsletter."),
        ) from None
    except tokens.InvalidToken:
        raise invalid_link() from None
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        raise LinkProblem(
            404, _("Iscrizione non trovata"),
            _("Questo indirizzo non è più nei nostri archivi: non riceverai altre email della newsletter."),
        )
    return subscriber


@require_http_methods(["GET"])
def export_confirmed(request, token):
    """GDPR download, step 2 (the mailed link): everything we hold about the subscriber, as JSON."""
    try:
        subscriber = _subscriber_from_data_token(token, "export")
    except LinkProblem as problem:
        return link_error(request, problem)
    body = json.dumps(subscriptions.export_data(subscriber), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsletter-dati-personali.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def erase_confirmed(request, token):
    """GDPR erasure, step 2 (the mailed link): a form, since mail scanners open links; the POST erases."""
    try:
        subscriber = _subscriber_from_data_token(token, "erase")
    except LinkProblem as problem:
        return link_error(request, problem)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        subscriptions.erase(subscriber)
        return render(request, "newsletter/erased.html")
    return render(
        request, "newsletter/erase.html", {"subscriber": subscriber, "form": form},
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
