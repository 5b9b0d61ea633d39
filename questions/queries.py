"""Who may read which questions, and who is told about a new one.

Published answers are for members: a visitor (or a logged-in user whose e-mail is not verified)
reads none, and nobody reads those of a practice that cms.visibility hides from them
(members-only for a visitor, a password or a group, unpublished).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from cms.models import PracticePage
from cms.visibility import visible
from cms.zona_limit import ZONA_EDITOR_GROUP, is_zona_restricted, user_zona
from portal.membership import is_verified_member
from questions.models import PracticeQuestion, QuestionStatus

CHANGE_PERMISSION = "change_practicequestion"


def _visible_practices(request):
    return visible(PracticePage.objects.live(), request).values("pk")


def of_practice(practice, request) -> list[PracticeQuestion]:
    """The published questions shown under the practice: none unless the visitor is a verified member."""
    user = getattr(request, "user", None)
    if not is_verified_member(user):
        return []
    return list(PracticeQuestion.objects.filter(practice=practice, status=QuestionStatus.PUBLISHED,
                                                practice__in=_visible_practices(request)).order_by("-answered_at", "-created_at"))


def of_member(user, request) -> list[dict]:
    """A member's own questions for "La mia area"; a practice they may no longer see is not named."""
    shown = set(_visible_practices(request).values_list("pk", flat=True))
    return [{"question": q, "practice": q.practice if q.practice_id in shown else None}
            for q in PracticeQuestion.objects.filter(asked_by=user).select_related("practice")]


def export_data(user) -> list[dict]:
    """The member's questions in the data download (GDPR art. 15)."""
    return [{"pratica": q.practice.title, "domanda": q.question, "stato": q.get_status_display(),
             "chiesta_il": q.created_at.isoformat(), "risposta": q.answer or None}
            for q in PracticeQuestion.objects.filter(asked_by=user).select_related("practice")]


def for_admin(user):
    """The questions a user moderates or answers in the admin: a Referente di Zona those of their zona's practices."""
    found = PracticeQuestion.objects.select_related("practice", "asked_by", "answered_by")
    if is_zona_restricted(user):
        zona = user_zona(user)
        return found.filter(practice__zona=zona) if zona is not None else found.none()
    return found


def pending(user):
    return for_admin(user).filter(status=QuestionStatus.PENDING).order_by("created_at")


def to_notify(question) -> list[str]:
    """Who hears of a new question: whoever moderates questions everywhere (moderators, administrators)
    and the Referenti di Zona of the practice's zona, who know the practice and may answer it. Never
    the asker; Wagtail's "submitted for moderation" notifications turned off in the admin account settings are respected."""
    from wagtail.users.models import UserProfile

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    permission = Permission.objects.filter(content_type__app_label="questions", codename=CHANGE_PERMISSION).first()
    query = Q(is_superuser=True)
    if permission is not None:
        query |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    found = {u.email for u in users.filter(query).distinct() if not is_zona_restricted(u)}
    found |= set(users.filter(groups__name=ZONA_EDITOR_GROUP, profile__zona_id=question.practice.zona_id)
                 .exclude(profile__zona__isnull=True).values_list("email", flat=True))
    silent = set(UserProfile.objects.filter(submitted_notifications=False).values_list("user__email", flat=True))
    asker = question.asked_by.email if question.asked_by_id else None
    return sorted(found - silent - {asker, None, ""})
