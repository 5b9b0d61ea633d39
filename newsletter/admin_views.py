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
from django.views.decorators.http import require_POST

from newsletter import batches, dispatch, edition_state, editions
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
    "approve": (True, _("Edizione approvata."), lambda request, e: dispatch.approve(e, request.user)),
    "draft": (False, _("Edizione riportata in bozza."), lambda request, e: dispatch.back_to_draft(e)),
    "send": (True, _("Invio avviato."), lambda request, e: dispatch.start_sending(e)),
    "pause": (True, _("Invio in pausa."), lambda request, e: dispatch.pause(e)),
    "resume": (True, _("Invio ripreso."), lambda request, e: dispatch.resume(e)),
    "cancel": (True, _("Edizione annullata: gli invii non ancora fatti non partiranno."), lambda request, e: dispatch.cancel(e)),
}


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
        dispatch.schedule(edition, form.cleaned_data["scheduled_at"])
    except dispatch.InvalidTransition:
        messages.error(request, _("Solo un'edizione approvata può essere programmata."))
    else:
        messages.success(request, _("Invio programmato."))
    return redirect(_manage_url(edition))
