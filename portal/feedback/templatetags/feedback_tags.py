"""``{% page_rating page %}``: the rating box at the foot of a content page."""
from django import template

from portal.feedback.forms import RatingForm
from portal.feedback.models import NEGATIVE_REASONS, POSITIVE_REASONS

register = template.Library()


@register.inclusion_tag("feedback/rating_form.html", takes_context=True)
def page_rating(context, page):
    return {"rated_page": page, "request": context.get("request"), "form": RatingForm(),
            "positive": [(r.value, r.label) for r in POSITIVE_REASONS],
            "negative": [(r.value, r.label) for r in NEGATIVE_REASONS],
            "csrf_token": context.get("csrf_token")}
