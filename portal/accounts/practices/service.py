"""From a member's proposal to a PracticePage revision in the moderation workflow.

The page is created as a draft (never live) under the practices index and submitted to
its workflow ("Revisione buone pratiche"); moderators approve or ask for changes in the
Wagtail admin. Attachments become Wagtail documents in a collection visible only to
the editorial roles until the practice is published (see notifications.py).
"""
from __future__ import annotations

import logging

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.accounts.models import PracticeSubmission, SubmissionAttachment
from portal.accounts.practices.collections import review_collection
from portal.accounts.practices.forms import MAX_ATTACHMENTS, STEPS, step_form
from portal.accounts.practices.notifications import mark_in_review

log = logging.getLogger(__name__)

RICH_TEXT_FIELDS = ("objectives", "activities", "tools", "data_protection", "results", "lessons_learned")
PLAIN_FIELDS = ("owner_body", "summary", "target_groups", "partners", "core_team", "extended_team", "funding_note",
                "evaluation_level")
LIST_FIELDS = ("partner_kinds", "funding_sources", "criteria_met")


class SubmissionInvalid(Exception):
    def __init__(self, step: int):
        super().__init__(step)
        self.step = step


def validated_steps(submission: PracticeSubmission) -> dict:
    """Every step re-validated from the stored values: {slug: cleaned_data}; raises on the first invalid step."""
    cleaned = {}
    for number, (slug, _title, _form) in enumerate(STEPS, start=1):
        form = step_form(number, data=(submission.data or {}).get(slug, {}))
        if not form.is_valid():
            raise SubmissionInvalid(number)
        cleaned[slug] = form.cleaned_data
    return cleaned


def _documents_for(submission: PracticeSubmission) -> list:
    """Each attachment as a Wagtail document (made once), in the review collection."""
    from wagtail.documents import get_document_model

    Document = get_document_model()
    documents = []
    for attachment in submission.attachments.all():
        if attachment.document_id is None:
            document = Document(
                title=attachment.description or attachment.original_name,
                collection=review_collection(),
                uploaded_by_user=submission.user,
            )
            with attachment.file.open("rb") as handle:
                document.file.save(attachment.original_name, File(handle), save=False)
            document.save()
            attachment.document = document
            attachment.save(update_fields=["document"])
        documents.append(attachment.document)
    return documents


def _unique_slug(parent, title: str, page_id=None) -> str:
    from wagtail.models import Page

    base = slugify(title)[:200] or "buona-pratica"
    slug, n = base, 2
    siblings = Page.objects.child_of(parent)
    while siblings.filter(slug=slug).exclude(pk=page_id).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _fill(page, cleaned: dict, documents: list) -> None:
    from cms.models import PracticeContact

    practice, people, method, results, contact = (cleaned[s] for s, _t, _f in STEPS)
    values = {**practice, **people, **method, **results}
    page.title = values["title"]
    page.draft_title = values["title"]
    page.zona = values["zona"]
    page.period_start = values.get("period_start")
    page.period_end = values.get("period_end")
    for name in PLAIN_FIELDS:
        setattr(page, name, values.get(name) or "")
    for name in RICH_TEXT_FIELDS:
        setattr(page, name, linebreaks(values.get(name) or "", autoescape=True))
    for name in LIST_FIELDS:
        setattr(page, name, list(values.get(name) or []))
    page.topics = list(values.get("topics") or [])
    page.contacts = (
        [PracticeContact(**{k: contact.get(k) or "" for k in ("service", "address", "email", "phone", "url")})]
        if contact.get("service") else []
    )
    page.attachments = [("document", {"document": doc, "description": doc.title}) for doc in documents]


def _quiet_wagtail_notifications(user) -> None:
    """The submitter hears from us, in Italian, with public links; not from the admin's notifier."""
    from wagtail.users.models import UserProfile

    if not user.has_perm("wagtailadmin.access_admin"):
        profile = UserProfile.get_for_user(user)
        profile.approved_notifications = False
        profile.rejected_notifications = False
        profile.updated_comments_notifications = False
        profile.save()


def practices_index():
    from cms.models import PracticeIndexPage

    index = PracticeIndexPage.objects.order_by("path").first()
    if index is None:
        raise LookupError("no PracticeIndexPage: create the 'Buone pratiche' index page first")
    return index


def submit(submission: PracticeSubmission):
    """Create (or update) the draft page, save a revision and put it in moderation; returns the page."""
    from wagtail.models import WorkflowState

    cleaned = validated_steps(submission)
    user = submission.user
    with transaction.atomic():
        submission = PracticeSubmission.objects.select_for_update().get(pk=submission.pk)
        if not submission.editable:
            return submission.page
        documents = _documents_for(submission)
        if submission.page_id is None:
            from cms.models import PracticePage

            index = practices_index()
            page = PracticePage(owner=user, live=False, slug=_unique_slug(index, cleaned["practice"]["title"]))
            _fill(page, cleaned, documents)
            index.add_child(instance=page)
        else:
            page = submission.page.get_latest_revision_as_object()
            _fill(page, cleaned, documents)
            page.full_clean()
        page.save_revision(user=user, log_action=True)
        _quiet_wagtail_notifications(user)
        submission.page = page
        submission.submitted_at = timezone.now()
        submission.save(update_fields=["page", "submitted_at", "updated_at"])
        state = page.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
        elif state is None:
            workflow = page.get_workflow()
            if workflow is None:
                raise LookupError("no moderation workflow for practice pages")
            workflow.start(page, user)
        mark_in_review(submission)
    log.info("practice submission %s -> page %s in moderation", submission.pk, page.pk)
    return page


def add_attachment(submission: PracticeSubmission, uploaded, safe_name: str, description: str) -> SubmissionAttachment:
    if submission.attachments.count() >= MAX_ATTACHMENTS:
        raise ValueError(_("Puoi allegare al massimo %(n)d file.") % {"n": MAX_ATTACHMENTS})
    attachment = SubmissionAttachment(submission=submission, original_name=safe_name, description=description,
                                      size=uploaded.size)
    attachment.file.save(safe_name, uploaded, save=False)
    attachment.save()
    return attachment


def delete_submission_files(submission: PracticeSubmission) -> None:
    """Private uploads go with the proposal (drafts discarded, accounts erased)."""
    for attachment in submission.attachments.all():
        attachment.file.delete(save=False)

