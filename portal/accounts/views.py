"""The member area: profile, profile editing, account deletion."""
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.accounts.erasure import erase_account
from portal.accounts.forms import DeleteAccountForm, ProfileForm
from portal.accounts.mail import queue_mail
from portal.accounts.models import PracticeSubmission, Profile, Registration, RegistrationStatus


@login_required
def profile(request):
    """The member's page: who they are, their submissions and seminar registrations."""
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
        "now": timezone.now(),
    }
    return render(request, "accounts/profile.html", context)


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
