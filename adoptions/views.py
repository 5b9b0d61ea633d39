"""/adozioni/<practice id>/: a verified member records that another zona adopted the practice."""
from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from adoptions.forms import AdoptionForm
from cms.models import PracticePage
from cms.visibility import visible
from portal.accounts.members import is_verified_member


@require_http_methods(["GET", "POST"])
def record(request, practice_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    practice = PracticePage.objects.live().filter(pk=practice_id).select_related("zona").first()
    if practice is None or not visible(practice, request):
        raise Http404(_("Buona pratica inesistente."))
    context = {"practice": practice}
    if not is_verified_member(request.user):
        return render(request, "adoptions/members_only.html", context, status=403)
    form = AdoptionForm(request.POST if request.method == "POST" else None, practice=practice)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        adoption = form.save(commit=False)
        adoption.practice = practice
        adoption.submitted_by = request.user
        adoption.save()
        return render(request, "adoptions/recorded.html", {**context, "adoption": adoption})
    return render(request, "adoptions/record.html", context, status=400 if form.errors else 200)
