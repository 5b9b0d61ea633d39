"""/adozioni/<practice id>/: a verified member records that another zona adopted the practice."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from adoptions.forms import AdoptionForm
from cms.member_actions import verified_member_on_practice


@require_http_methods(["GET", "POST"])
@verified_member_on_practice("adoptions/members_only.html")
def record(request, practice):
    context = {"practice": practice}
    form = AdoptionForm(request.POST if request.method == "POST" else None, practice=practice)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        adoption = form.save(commit=False)
        adoption.practice = practice
        adoption.submitted_by = request.user
        adoption.save()
        return render(request, "adoptions/recorded.html", {**context, "adoption": adoption})
    return render(request, "adoptions/record.html", context, status=400 if form.errors else 200)
