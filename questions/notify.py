"""The two mails of a question, through the members' retried mail path (portal.mail:
a Celery task retries a failed delivery; sent once the transaction commits).

Neither names the asker's address: the people who moderate or answer see who asked only by name
(the question is published without it), and the asker never learns who was told.
"""
from __future__ import annotations

from django.urls import reverse

from portal.mail import queue_mail
from portal.public_urls import absolute_url, page_url
from questions.queries import to_notify


def _asker_name(question) -> str:
    user = question.asked_by
    return user.get_full_name() if user is not None else ""


def new_question(question) -> list[str]:
    """Tell moderators and the zona's referents that a question waits; each gets their own mail."""
    recipients = to_notify(question)
    context = {"question": question, "practice": question.practice, "asker_name": _asker_name(question),
               "practice_url": page_url(question.practice),
               "admin_url": absolute_url(reverse("wagtailsnippets_questions_practicequestion:edit", args=[question.pk]))}
    for address in recipients:
        queue_mail(address, "questions/email/new_question", context)
    return recipients


def answered(question) -> None:
    """Tell the asker that the question is published with its answer (nothing if the account is gone)."""
    user = question.asked_by
    if user is None or not user.is_active or not user.email:
        return
    queue_mail(user.email, "questions/email/answered",
               {"question": question, "practice": question.practice, "practice_url": page_url(question.practice)})
