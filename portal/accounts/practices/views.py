"""The multi-step proposal form. Every step is saved in the database (a draft the member
can leave and resume from the profile); the last step reviews everything and submits."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.models import PracticeSubmission
from portal.accounts.practices import service
from portal.accounts.practices.forms import (
    MAX_ATTACHMENTS,
    REVIEW_STEP,
    STEPS,
    AttachmentForm,
    ConfirmForm,
    raw_values,
    step_form,
)
from portal.accounts.reserved import reserved_response
from portal.membership import is_verified_member

CONTACT_STEP = len(STEPS)


def verified_member_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_verified_member(request.user):
            return reserved_response(request, _("Proponi una buona pratica"))
        return view(request, *args, **kwargs)

    return wrapper


def _own_submission(request, pk: int) -> PracticeSubmission:
    return get_object_or_404(PracticeSubmission, pk=pk, user=request.user)


def _steps_nav(current: int, submission: PracticeSubmission | None):
    items = [(n, title) for n, (_slug, title, _f) in enumerate(STEPS, start=1)]
    items.append((REVIEW_STEP, _("Riepilogo e invio")))
    return [{"number": n, "title": t, "current": n == current, "reachable": submission is not None} for n, t in items]


def _render_step(request, number, form, submission, status=200, attachment_form=None):
    slug, title, _f = STEPS[number - 1]
    context = {
        "form": form,
        "number": number,
        "title": title,
        "submission": submission,
        "steps": _steps_nav(number, submission),
        "is_contact_step": number == CONTACT_STEP,
        "attachment_form": attachment_form or (AttachmentForm() if number == CONTACT_STEP else None),
        "attachments": submission.attachments.all() if submission else [],
        "max_attachments": MAX_ATTACHMENTS,
    }
    return render(request, "accounts/practices/step.html", context, status=status)


@verified_member_required
@require_http_methods(["GET", "POST"])
def new(request):
    """Step 1 of a new proposal; the draft exists from the first save."""
    if request.method == "GET":
        return _render_step(request, 1, step_form(1), None)
    submission = PracticeSubmission(user=request.user, data={})
    return _handle_step_post(request, submission, 1)


@verified_member_required
@require_http_methods(["GET", "POST"])
def step(request, pk: int, number: int):
    submission = _own_submission(request, pk)
    if not submission.editable:
        messages.info(request, _("Questa proposta è già stata inviata e non si può modificare ora."))
        return redirect("account_profile")
    if number == REVIEW_STEP:
        return _review(request, submission)
    if not 1 <= number <= len(STEPS):
        return redirect("account_practice_step", submission.pk, 1)
    if request.method == "GET":
        slug = STEPS[number - 1][0]
        stored = (submission.data or {}).get(slug)
        form = step_form(number, data=stored) if stored else step_form(number)
        return _render_step(request, number, form, submission)
    return _handle_step_post(request, submission, number)


def _handle_step_post(request, submission: PracticeSubmission, number: int):
    slug = STEPS[number - 1][0]
    action = request.POST.get("action", "next")
    form = step_form(number, data=request.POST)
    data = dict(submission.data or {})
    data[slug] = raw_values(form, request.POST)
    submission.data = data
    submission.save()  # drafts keep whatever was typed, valid or not
    if action == "upload" and number == CONTACT_STEP:
        return _upload(request, submission, form)
    if action == "save":
        messages.success(request, _("Bozza salvata. Puoi riprenderla quando vuoi dal tuo profilo."))
        return redirect("account_practice_step", submission.pk, number)
    if action == "back":
        return redirect("account_practice_step", submission.pk, max(number - 1, 1))
    if not form.is_valid():
        return _render_step(request, number, form, submission, status=400)
    return redirect("account_practice_step", submission.pk, number + 1)


def _upload(request, submission, form):
    attachment_form = AttachmentForm(request.POST, request.FILES)
    if not attachment_form.is_valid():
        return _render_step(request, CONTACT_STEP, form, submission, status=400, attachment_form=attachment_form)
    try:
        service.add_attachment(
            submission, attachment_form.cleaned_data["file"], attachment_form.safe_name,
            attachment_form.cleaned_data["description"],
        )
    except ValueError as limit:
        attachment_form.add_error("file", ValidationError(str(limit)))
        return _render_step(request, CONTACT_STEP, form, submission, status=400, attachment_form=attachment_form)
    messages.success(request, _("Allegato caricato."))
    return redirect("account_practice_step", submission.pk, CONTACT_STEP)


@verified_member_required
@require_POST
def delete_attachment(request, pk: int, attachment_pk: int):
    submission = _own_submission(request, pk)
    attachment = get_object_or_404(submission.attachments, pk=attachment_pk)
    if submission.editable and attachment.document_id is None:
        attachment.file.delete(save=False)
        attachment.delete()
        messages.success(request, _("Allegato rimosso."))
    return redirect("account_practice_step", submission.pk, CONTACT_STEP)


@verified_member_required
@require_POST
def discard(request, pk: int):
    submission = _own_submission(request, pk)
    if submission.page_id is None:
        service.delete_submission_files(submission)
        submission.delete()
        messages.success(request, _("Bozza eliminata."))
    return redirect("account_profile")


def _summary(submission):
    """(step title, [(label, value)]) for the review page, from the stored values."""
    sections = []
    for number, (slug, title, _f) in enumerate(STEPS, start=1):
        form = step_form(number, data=(submission.data or {}).get(slug, {}))
        valid = form.is_valid()
        rows = []
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name) if valid else None
            if hasattr(value, "all"):
                value = ", ".join(str(v) for v in value.all())
            elif isinstance(value, (list, tuple)) or hasattr(value, "__iter__") and not isinstance(value, str):
                choices = dict(getattr(field, "choices", []))
                value = ", ".join(str(choices.get(v, v)) for v in value)
            elif getattr(field, "choices", None) and value:
                value = dict(field.choices).get(value, value)
            rows.append((field.label, value))
        sections.append({"number": number, "title": title, "rows": rows, "valid": valid})
    return sections


def _review(request, submission):
    confirm = ConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if confirm.is_valid():
            try:
                service.submit(submission)
            except service.SubmissionInvalid as invalid:
                messages.error(request, _("Completa i campi obbligatori di questo passo prima di inviare."))
                return redirect("account_practice_step", submission.pk, invalid.step)
            messages.success(request, _("Grazie! La buona pratica è stata inviata alla redazione per la revisione."))
            return redirect("account_profile")
        status = 400
    context = {
        "submission": submission,
        "sections": _summary(submission),
        "attachments": submission.attachments.all(),
        "confirm": confirm,
        "steps": _steps_nav(REVIEW_STEP, submission),
        "number": REVIEW_STEP,
    }
    return render(request, "accounts/practices/review.html", context, status=status)
