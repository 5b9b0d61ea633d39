"""The member area ("La mia area"): profile, registrations, submissions, questions asked, alerts, newsletter,
data download, profile editing, account deletion."""
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alerts.subscriptions import export_data as alerts_export
from alerts.subscriptions import member_alerts
from newsletter.messages import personal_links
from newsletter.subscriptions import export_data as newsletter_export
from newsletter.subscriptions import member_subscription
from portal.accounts.erasure import erase_account
from portal.accounts.forms import DeleteAccountForm, ProfileForm
from portal.accounts.models import PracticeSubmission, Profile, Registration, RegistrationStatus
from portal.mail import queue_mail
from questions.queries import export_data as questions_export
from questions.queries import of_member as member_questions


@login_required
def profile(request):
    """The member's page: who they are, their submissions and seminar registrations."""
    subscription = member_subscription(request.user)
    registrations = (
        Registration.objects.filter(user=request.user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("seminar")
        .order_by("-seminar__start")
    )
    context = {
        "profile": Profile.for_user(request.user),
        "newsletter_url": newsletter_url(request.user),
        "registrations": registrations,
        "submissions": PracticeSubmission.objects.filter(user=request.user).select_related("page"),
        "alerts": member_alerts(request.user),
        "questions": member_questions(request.user, request),
        "newsletter_subscription": subscription,
        "newsletter_preferences_url": personal_links(subscription).preferences_url if subscription else None,
        "now": timezone.now(),
    }
    response = render(request, "accounts/profile.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _when(moment):
    return moment.isoformat() if moment else None


@login_required
@require_http_methods(["GET"])
def data_download(request):
    """GDPR: what the portal holds about the member, as one JSON file (the newsletter's part
    and the alerts' part come from their apps' own export functions)."""
    user = request.user
    profile = Profile.for_user(user)
    subscription = member_subscription(user)
    data = {
        "account": {"username": user.get_username(), "email": user.email, "nome": user.get_full_name(),
                    "iscritto_il": _when(user.date_joined), "ultimo_accesso": _when(user.last_login)},
        "profilo": {"ente": profile.organisation, "ruolo_professionale": profile.get_professional_role_display(),
                    "zona": str(profile.zona) if profile.zona_id else None,
                    "aree_tematiche": [t.name for t in profile.topics.all()],
                    "informativa_accettata_il": _when(profile.privacy_accepted_at)},
        "iscrizioni_seminari": [
            {"seminario": r.seminar.title, "inizio": _when(r.seminar.start), "stato": r.get_status_display(),
             "iscritto_il": _when(r.created_at)}
            for r in Registration.objects.filter(user=user).select_related("seminar")],
        "buone_pratiche_proposte": [
            {"titolo": str(s), "stato": s.get_status_display(), "creata_il": _when(s.created_at),
             "inviata_il": _when(s.submitted_at), "dati": s.data}
            for s in PracticeSubmission.objects.filter(user=user)],
        "domande_sulle_pratiche": questions_export(user),
        "avvisi": alerts_export(user),
        "newsletter": newsletter_export(subscription) if subscription else None,
    }
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="la-mia-area-dati-personali.json"'
    response["Cache-Control"] = "no-store"
    return response


def newsletter_url(user) -> str:
    """Where the profile's newsletter shortcut points: the one place to switch to a one-click link."""
    return "/newsletter/"


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = Profile.for_user(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profilo aggiornato."))
        return redirect("account_profile")
    return render(request, "accounts/profile_edit.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """GDPR erasure on the member's request, confirmed with the password."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        name = user.get_full_name() or user.email
        logout(request)
        email = erase_account(user)
        if email:
            queue_mail(email, "accounts/email/account_deleted", {"name": name})
        messages.success(request, _("Il tuo account e i dati collegati sono stati cancellati."))
        return redirect("/")
    return render(request, "accounts/delete_account.html", {"form": form}, status=400 if form.errors else 200)
