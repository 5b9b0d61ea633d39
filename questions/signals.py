"""An erased account (portal.accounts.erasure) takes its questions that nobody else reads along;
a published question stays under the practice, no longer linked to the person (asked_by SET_NULL)."""
from django.dispatch import receiver

from portal.membership import account_deleting


@receiver(account_deleting, dispatch_uid="questions_erase_with_account")
def erase_with_account(sender, user=None, **kwargs):
    from questions.models import PracticeQuestion, QuestionStatus

    if user is not None and user.pk:
        PracticeQuestion.objects.filter(asked_by=user).exclude(status=QuestionStatus.PUBLISHED).delete()
