"""Follow a proposal through moderation: status in the profile and a mail to the submitter at each step.

Wagtail's workflow and publishing signals drive it; moderators are notified by
Wagtail itself (GroupApprovalTask mail to the Moderatore group) and find the
queue on the admin dashboard ("In attesa della tua revisione").
"""
from __future__ import annotations

from django.dispatch import receiver
from wagtail.models import WorkflowState
from wagtail.signals import page_published, page_unpublished, workflow_cancelled, workflow_rejected

from portal.accounts.models import PracticeSubmission, SubmissionStatus
from portal.accounts.practices.collections import public_collection
from portal.mail import queue_mail


def _submission_for(page_id) -> PracticeSubmission | None:
    try:
        page_id = int(page_id)
    except (TypeError, ValueError):
        return None
    return PracticeSubmission.objects.select_related("user", "page").filter(page_id=page_id).first()


def mark_in_review(submission: PracticeSubmission) -> None:
    """Called by service.submit after starting or resuming the workflow (first or later submission)."""
    _move(submission, SubmissionStatus.IN_REVIEW, "in_review")


def _move(submission: PracticeSubmission, status: str, template: str, **extra) -> None:
    if submission.status == status:
        return
    submission.status = status
    submission.save(update_fields=["status", "updated_at"])
    context = {"submission": submission, "user": submission.user, "page": submission.page, **extra}
    queue_mail(submission.user.email, f"accounts/email/practice_{template}", context)


@receiver(workflow_rejected, sender=WorkflowState, dispatch_uid="accounts_practice_changes_requested")
def on_changes_requested(sender, instance, user=None, **kwargs):
    submission = _submission_for(instance.object_id)
    if submission is not None:
        task_state = instance.current_task_state
        comment = task_state.specific.get_comment() if task_state else ""
        _move(submission, SubmissionStatus.CHANGES_REQUESTED, "changes_requested", comment=comment)


@receiver(workflow_cancelled, sender=WorkflowState, dispatch_uid="accounts_practice_withdrawn")
def on_cancelled(sender, instance, user=None, **kwargs):
    submission = _submission_for(instance.object_id)
    if submission is not None and submission.status != SubmissionStatus.PUBLISHED:
        _move(submission, SubmissionStatus.WITHDRAWN, "withdrawn")


@receiver(page_published, dispatch_uid="accounts_practice_published")
def on_published(sender, instance, revision=None, **kwargs):
    submission = _submission_for(instance.pk)
    if submission is None:
        return
    documents = [a.document for a in submission.attachments.select_related("document") if a.document_id]
    for document in documents:  # out of the editors-only collection: the practice is public now
        document.collection = public_collection()
        document.save(update_fields=["collection"])
    _move(submission, SubmissionStatus.PUBLISHED, "published")


@receiver(page_unpublished, dispatch_uid="accounts_practice_unpublished")
def on_unpublished(sender, instance, **kwargs):
    submission = _submission_for(instance.pk)
    if submission is not None and submission.status == SubmissionStatus.PUBLISHED:
        _move(submission, SubmissionStatus.UNPUBLISHED, "unpublished")
