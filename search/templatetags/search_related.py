"""``{% related_content page %}``: the "Contenuti correlati" block of a detail page.

A template tag because the block depends on who is looking (members also see members-only
pages): the detail templates stay free of that decision, which is ``search.service.related_pages``.
"""
from django import template

from search import service

register = template.Library()


@register.inclusion_tag("search/includes/related.html", takes_context=True)
def related_content(context, page):
    request = context.get("request")
    return {"related": service.related_pages(page, getattr(request, "user", None)), "request": request}
