"""The relay form: /contatta/<contact id>/ (verified members only)."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cms.models import PracticeContact
from cms.visibility import visible
from portal.mail import dispatch
from portal.membership import is_verified_member
from portal.public_urls import page_url
from relay import limits


class RelayForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Oggetto"), max_length=150)
    message = forms.CharField(label=gettext_lazy("Messaggio"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))


@require_http_methods(["GET", "POST"])
def write(request, contact_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    contact = PracticeContact.objects.filter(pk=contact_id).exclude(email="").select_related("page").first()
    if contact is None or not contact.page.live or not visible(contact.page.specific, request):
        raise Http404(_("Contatto inesistente."))
    practice = contact.page.specific
    context = {"practice": practice, "contact_name": contact.service}
    if not is_verified_member(request.user):
        return render(request, "relay/members_only.html", context, status=403)
    form = RelayForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        if not limits.allowed(request.user.pk, contact.pk):
            context["limited"] = True
            return render(request, "relay/write.html", context, status=429)
        sender = request.user
        mail = {"practice": practice, "practice_url": page_url(practice), "contact_name": contact.service,
                "sender_name": sender.get_full_name() or sender.email, "sender_email": sender.email,
                "subject": form.cleaned_data["subject"], "message": form.cleaned_data["message"],
                "site_name": settings.WAGTAIL_SITE_NAME}
        subject = _("[%(site)s] %(subject)s") % {"site": settings.WAGTAIL_SITE_NAME, "subject": mail["subject"]}
        # through the members' mail task: a failed SMTP delivery is retried, never dropped
        dispatch(contact.email, subject, render_to_string("relay/mail/to_contact.txt", mail), reply_to=sender.email)
        dispatch(sender.email, _("Copia: %(subject)s") % {"subject": mail["subject"]},
                 render_to_string("relay/mail/copy.txt", mail))
        limits.count(request.user.pk, contact.pk)
        return render(request, "relay/sent.html", context)
    return render(request, "relay/write.html", context, status=400 if form.errors else 200)
