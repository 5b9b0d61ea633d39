"""The questions under a practice: the published ones and the form for members, a line for everyone else."""
from django import template

from portal.membership import is_verified_member
from questions import queries
from questions.forms import QuestionForm

register = template.Library()


@register.inclusion_tag("questions/includes/practice.html", takes_context=True)
def questions_of(context, practice):
    request = context.get("request")
    user = getattr(request, "user", None)
    member = is_verified_member(user)
    return {
        "practice": practice, "request": request, "member": member,
        "logged_in": bool(user is not None and user.is_authenticated),
        "questions": queries.of_practice(practice, request) if member else [],
        "form": QuestionForm() if member else None,
        "csrf_token": context.get("csrf_token"),
    }
