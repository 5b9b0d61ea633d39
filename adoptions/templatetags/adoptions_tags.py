"""The approved records under a practice and on a zona's page."""
from django import template

from adoptions import queries

register = template.Library()


@register.inclusion_tag("adoptions/includes/practice.html", takes_context=True)
def adoptions_of(context, practice):
    return {"practice": practice, "adoptions": list(queries.of_practice(practice, context.get("request")))}


@register.inclusion_tag("adoptions/includes/zona.html", takes_context=True)
def adoptions_for_zona(context, zona):
    return {"zona": zona, **queries.for_zona(zona, context.get("request"))}
