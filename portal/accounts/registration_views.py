"""Register to / cancel from a seminar (POST only), then back to the seminar page with a message."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.visibility import refusing
from portal.accounts import registrations
from portal.accounts.models import RegistrationStatus
from portal.accounts.reserved import reserved_page_response, reserved_response
from portal.membership import is_verified_member


def _seminar(page_id: int):
    from cms.models import SeminarPage

    return get_object_or_404(SeminarPage.objects.live(), pk=page_id)


@login_required
@require_POST
def register(request, page_id: int):
    seminar = _seminar(page_id)
    refused = refusing(seminar, request)  # the page's view restrictions (groups, password, alias source) apply to its seats
    if refused:
        return reserved_page_response(request, seminar, refused)
    if not is_verified_member(request.user):
        return reserved_response(request, seminar.title)
    try:
        registration = registrations.register(seminar, request.user)
    except registrations.RegistrationRefused as refusal:
        context = {"seminar": seminar, "reason": str(refusal)}
        return render(request, "accounts/registration_refused.html", context, status=409)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("Iscrizione confermata. Ti abbiamo inviato una email con l'invito per il calendario."))
    else:
        messages.info(request, _("I posti sono esauriti: sei in lista d'attesa. Ti scriveremo se si libera un posto."))
    return redirect(seminar.url)


@login_required
@require_POST
def cancel(request, page_id: int):
    seminar = _seminar(page_id)
    if registrations.cancel(seminar, request.user) is None:
        messages.info(request, _("Non risultavi iscritto a questo seminario."))
    else:
        messages.success(request, _("La tua iscrizione è stata annullata."))
    target = request.POST.get("next")
    return redirect(target if target == "/account/profilo/" else seminar.url)
