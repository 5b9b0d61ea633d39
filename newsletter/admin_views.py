"""Wagtail admin pages of an edition beyond editing: manage (approve, send, schedule, pause, resume,
cancel), preview (HTML desktop/mobile, text), test send, live progress."""
from __future__ import annotations

import smtplib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from newsletter import batches, delivery_rows, dispatch, edition_state, editions, reporting
from newsletter.editions import Preferences
from newsletter.forms import ScheduleForm, TestSendForm
from newsletter.models import Edition
from newsletter.rendering import generic_links, personalise, render_edition

# The mail preview runs no script and loads nothing but inline styles and images.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'"


def can_edit(user) -> bool:
    return user.has_perm("newsletter.change_edition")


def can_approve(user) -> bool:
    return user.has_perm("newsletter.approve_edition")


def _edition_for(request, pk, *, approve=False) -> Edition:
    if not (can_approve(request.user) if approve else (can_edit(request.user) or can_approve(request.user))):
        raise PermissionDenied
    return get_object_or_404(Edition, pk=pk)


def _manage_url(edition) -> str:
    return reverse("newsletter_edition:manage", args=[edition.pk])


def new_edition(request):
    """The admin's "add": the next edition with the content of its period (the function beat calls).

    GET shows which period and how many contents it would hold; POST creates it and opens it.
    """
    from django.utils import timezone

    from newsletter.models import edition_title
    from newsletter.periods import next_period

    if not request.user.has_perm("newsletter.add_edition"):
        raise PermissionDenied
    today = timezone.localdate()
    if request.method == "POST":
        edition, created = editions.create_next_edition(today)
        if not created:
            messages.warning(request, _("L'edizione del periodo in corso esiste già."))
            return redirect("newsletter_edition:index")
        messages.success(request, _("Creata l'edizione %(title)s con %(count)s contenuti del periodo.") % {
            "title": edition.title, "count": edition.items.count()})
        return redirect("newsletter_edition:edit", edition.pk)
    latest = Edition.objects.order_by("-window_end", "-number").first()
    period = next_period(today, latest.window_end if latest else None, ended_only=False)
    context = {"latest": latest, "period": period}
    if period is not None:
        number = (latest.number + 1) if latest else 1
        number = max(number, (Edition.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1)
        context.update(title=edition_title(number, *period), items_count=len(editions.candidate_pages(*period)))
    return TemplateResponse(request, "newsletter/admin/new_edition.html", context)


def manage(request, pk):
    edition = _edition_for(request, pk)
    context = {
        "edition": edition,
        "items_count": edition.items.count(),
        "is_empty": edition.status not in (Edition.Status.SENT, Edition.Status.CANCELLED)
        and not editions.has_content(edition),
        "progress": edition_state.progress(edition),
        "report": reporting.edition_report(edition),
        "can_approve": can_approve(request.user),
        "can_edit": can_edit(request.user),
        "schedule_form": ScheduleForm(initial={"scheduled_at": edition.scheduled_at}),
        "test_form": TestSendForm(initial={"addresses": request.user.email}),
        "zones": _zones(),
        "preview_zone": request.GET.get("zona", ""),
    }
    return TemplateResponse(request, "newsletter/admin/manage.html", context)


def _zones():
    from cms.models import Zona

    return Zona.objects.order_by("name")


def _preferences_from(request) -> Preferences | None:
    zone = request.GET.get("zona")
    if zone and zone.isdigit():
        return Preferences(zone_ids=frozenset({int(zone)}))
    return None


def preview(request, pk, fmt="html"):
    """The mail as subscribers get it (full, or for one zona's segment). MJML errors are not hidden."""
    edition = _edition_for(request, pk)
    rendered = render_edition(edition, _preferences_from(request))
    preferences_url, unsubscribe_url = generic_links()
    html, text = personalise(rendered.html, rendered.text, preferences_url, unsubscribe_url)
    if fmt == "text":
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


def progress(request, pk):
    edition = _edition_for(request, pk)
    return JsonResponse(edition_state.progress(edition))


@require_POST
def test_send(request, pk):
    edition = _edition_for(request, pk)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("addresses", []):
            messages.error(request, error)
        return redirect(_manage_url(edition))
    try:
        count = batches.send_proof(edition, form.cleaned_data["addresses"])
    except (smtplib.SMTPException, OSError) as exc:
        messages.error(request, _("Invio di prova non riuscito: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Copia di prova inviata a %(count)s indirizzi.") % {"count": count})
    return redirect(_manage_url(edition))


EMPTY_MESSAGE = gettext_lazy("Nessun contenuto nuovo: l'edizione non ha contenuti pubblicati da inviare e non sarà inviata. "
                  "Aggiungi i contenuti del periodo o annullala.")

ACTIONS = {
    "submit": (False, gettext_lazy("Edizione inviata in moderazione: i moderatori riceveranno un avviso."),
               lambda request, e: dispatch.submit_for_moderation(e, request.user)),
    "approve": (True, gettext_lazy("Edizione approvata."), lambda request, e: dispatch.approve(e, request.user)),
    "draft": (False, gettext_lazy("Edizione riportata in bozza."),
              lambda request, e: dispatch.back_to_draft(e, request.user)),
    "send": (True, gettext_lazy("Invio avviato."), lambda request, e: dispatch.start_sending(e, request.user)),
    "pause": (True, gettext_lazy("Invio in pausa."), lambda request, e: dispatch.pause(e, request.user)),
    "resume": (True, gettext_lazy("Invio ripreso."), lambda request, e: dispatch.resume(e, request.user)),
    "cancel": (True, gettext_lazy("Edizione annullata: gli invii non ancora fatti non partiranno."),
               lambda request, e: dispatch.cancel(e, request.user)),
}


def _segment_label(preferences: Preferences, zones: dict, topics: dict) -> str:
    if preferences.is_everything:
        return _("Edizione generale (nessuna preferenza)")
    names = sorted(zones[i] for i in preferences.zone_ids if i in zones)
    names += sorted(topics[i] for i in preferences.topic_ids if i in topics)
    return ", ".join(names)


@require_http_methods(["GET", "POST"])
def confirm_send(request, pk):
    """Before "Invia ora": how many subscribers each segment has, and a button that confirms.

    GET only shows; the button posts ``confirm=1`` to the "send" action (a POST here does the same).
    """
    from cms.models import Topic, Zona

    edition = _edition_for(request, pk, approve=True)
    if request.method == "POST":
        return action(request, pk, "send")
    zones = dict(Zona.objects.values_list("pk", "name"))
    topics = dict(Topic.objects.values_list("pk", "name"))
    segments = [(_segment_label(p, zones, topics), n) for p, n in delivery_rows.audience()]
    return TemplateResponse(request, "newsletter/admin/confirm_send.html", {
        "edition": edition, "segments": segments, "total": sum(n for _label, n in segments),
        "is_sendable": edition.status in Edition.SENDABLE,
    })


@require_POST
def action(request, pk, name):
    if name == "schedule":
        return _schedule(request, pk)
    if name == "refresh":
        edition = _edition_for(request, pk)
        added = editions.refresh_edition(edition)
        messages.success(request, _("%(count)s contenuti aggiunti dal periodo.") % {"count": added})
        return redirect(_manage_url(edition))
    if name not in ACTIONS:
        raise PermissionDenied
    needs_approval, done, run = ACTIONS[name]
    edition = _edition_for(request, pk, approve=needs_approval)
    if name == "send" and request.POST.get("confirm") != "1":  # "Invia ora" first shows who receives it
        return redirect("newsletter_edition:confirm_send", edition.pk)
    try:
        run(request, edition)
    except dispatch.EmptyEdition:
        messages.error(request, EMPTY_MESSAGE)
    except dispatch.InvalidTransition:
        messages.error(request, _("Azione non possibile nello stato attuale (%(status)s).") % {
            "status": edition.get_status_display()})
    else:
        messages.success(request, done)
    return redirect(_manage_url(edition))


def _schedule(request, pk):
    edition = _edition_for(request, pk, approve=True)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("scheduled_at", []):
            messages.error(request, error)
        return redirect(_manage_url(edition))
    try:
        dispatch.schedule(edition, form.cleaned_data["scheduled_at"], request.user)
    except dispatch.InvalidTransition:
        messages.error(request, _("Solo un'edizione approvata può essere programmata."))
    else:
        messages.success(request, _("Invio programmato."))
    return redirect(_manage_url(edition))
