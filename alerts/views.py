"""Saving an alert from a search, confirming it, one-click unsubscribe, "Le mie notifiche"."""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alerts import subscriptions, tokens
from alerts.describing import describe, feed_path, search_path
from alerts.forms import AlertForm, FrequencyForm, VisitorAlertForm
from alerts.models import Alert
from search.service import is_member, query_string, request_from_query_string


def _query_of(params) -> str:
    """The words and facets of a search page's parameters, cleaned as the search cleans them."""
    return query_string(request_from_query_string(params.urlencode(), member=False))


def _bad_link(request):
    return render(request, "alerts/bad_link.html", status=400)


@require_http_methods(["GET", "POST"])
def create(request):
    """GET ?<the search's parameters>: the form. POST: a member's alert is active at once;
    a visitor's waits for the link mailed to the address given (double opt-in)."""
    query = _query_of(request.GET)
    member = is_member(request.user)
    form_class = AlertForm if member else VisitorAlertForm
    form = form_class(request.POST if request.method == "POST" else None)
    context = {"form": form, "query": query, "description": describe(query), "member": member,
               "search_url": search_path(query), "feed_url": feed_path(query)}
    if request.method == "POST" and form.is_valid():
        frequency = form.cleaned_data["frequency"]
        if member:
            subscriptions.for_member(request.user, query, frequency)
            messages.success(request, _("Avviso salvato: riceverai le novità di questa ricerca."))
            return redirect("alerts:mine")
        if form.cleaned_data.get("website"):
            return render(request, "alerts/check_mail.html", context)  # a bot: looks the same, does nothing
        try:
            pending = subscriptions.for_visitor(form.cleaned_data["email"], query, frequency)
        except subscriptions.TooManyPending:
            form.add_error("email", _("Questo indirizzo ha già troppi avvisi da confermare: usa i link ricevuti per e-mail."))
            return render(request, "alerts/create.html", context, status=400)
        context["already_active"] = pending is None
        return render(request, "alerts/check_mail.html", context)
    return render(request, "alerts/create.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET: a button (mail scanners follow links; they do not press buttons). POST: the alert starts."""
    try:
        key = tokens.read_confirm_token(token)
    except tokens.InvalidToken:
        return _bad_link(request)
    alert = Alert.objects.filter(key=key).first()
    if alert is None:
        raise Http404(_("Questo avviso non esiste più."))
    if request.method == "POST":
        subscriptions.confirm(alert)
    return render(request, "alerts/confirm.html", {
        "alert": alert, "description": describe(alert.query),
        "manage_url": None if alert.user_id else
        _manage_url(alert.email),
    })


def _manage_url(email: str) -> str:
    from django.urls import reverse

    return reverse("alerts:manage", args=[tokens.manage_token(email)])


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie, session or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with a confirm button. POST: the alert is removed at once; 200, never a redirect."""
    try:
        key = tokens.read_alert_token(token)
    except tokens.InvalidToken:
        return _bad_link(request)
    alert = Alert.objects.filter(key=key).first()
    if alert is None:  # removed already: what was asked for is true
        return render(request, "alerts/unsubscribed.html", {"description": None})
    description = describe(alert.query)
    if request.method == "GET":
        return render(request, "alerts/unsubscribe.html", {"alert": alert, "description": description})
    subscriptions.remove(alert)
    return render(request, "alerts/unsubscribed.html", {"description": description})


def _listing(alerts) -> list[dict]:
    return [{"alert": a, "description": describe(a.query), "search_url": search_path(a.query),
             "feed_url": feed_path(a.query), "form": FrequencyForm(initial={"frequency": a.frequency},
                                                                       prefix=f"a{a.pk}")}
            for a in alerts]


def _change(request, alerts):
    """POST action=frequency|delete, alert=<key>: on one of the listed alerts."""
    try:
        key = uuid.UUID(request.POST.get("alert", ""))
    except ValueError:
        raise Http404(_("Avviso inesistente.")) from None
    alert = get_object_or_404(alerts, key=key)
    if request.POST.get("action") == "delete":
        subscriptions.remove(alert)
        messages.success(request, _("Avviso eliminato."))
    else:
        form = FrequencyForm(request.POST, prefix=f"a{alert.pk}")
        if not form.is_valid():
            return False
        subscriptions.change_frequency(alert, form.cleaned_data["frequency"])
        messages.success(request, _("Frequenza aggiornata."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """"Le mie notifiche": a member's alerts (and any made as a visitor with the same address)."""
    alerts = Alert.objects.filter(user=request.user)
    if request.method == "POST":
        if _change(request, alerts):
            return redirect("alerts:mine")
    response = render(request, "alerts/mine.html", {"items": _listing(alerts), "member": True})
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def manage(request, token):
    """A visitor's alerts, behind the signed link every mail carries."""
    try:
        email = tokens.read_manage_token(token)
    except tokens.InvalidToken:
        return _bad_link(request)
    alerts = Alert.objects.filter(user__isnull=True, email=email, confirmed_at__isnull=False)
    if request.method == "POST":
        if _change(request, alerts):
            return redirect("alerts:manage", token=token)
    response = render(request, "alerts/mine.html", {"items": _listing(alerts), "member": False, "email": email})
    response["Cache-Control"] = "private, no-store"
    return response
