"""/domande/<practice id>/: a verified member asks the people behind a practice a question.

The question waits for a moderator; moderators and the practice zona's referents are told by
mail. The same budget as the relay (relay.limits) bounds how much a member writes to practices.
"""
from __future__ import annotations

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cms.member_actions import verified_member_on_practice
from questions import notify
from questions.forms import QuestionForm
from relay import limits


def limit_key(practice) -> str:
    """The relay's per-contact key, here per practice: one question per practice in ten minutes,
    counted with the relayed messages in the hourly and daily budget."""
    return f"question-{practice.pk}"


@require_http_methods(["GET", "POST"])
@verified_member_on_practice("questions/members_only.html")
def ask(request, practice):
    context = {"practice": practice}
    form = QuestionForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        if not limits.allowed(request.user.pk, limit_key(practice)):
            context["limited"] = True
            return render(request, "questions/ask.html", context, status=429)
        with transaction.atomic():
            question = form.save(commit=False)
            question.practice = practice
            question.asked_by = request.user
            question.save()
            notify.new_question(question)
        limits.count(request.user.pk, limit_key(practice))
        return render(request, "questions/asked.html", {**context, "question": question})
    return render(request, "questions/ask.html", context, status=400 if form.errors else 200)
