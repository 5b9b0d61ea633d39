"""Template helpers for content pages: who may see reserved material, the registration box.

In a seminar template::

    {% load accounts_members %}
    {% if page.members_only_materials and not request.user|is_verified_member %}
      {% reserved_prompt page.title %}
    {% else %} ...materials... {% endif %}
    {% seminar_registration page %}
"""
from django import template

from portal.accounts import registrations
from portal.membership import is_verified_member as _is_verified_member

register = template.Library()


@register.filter
def is_verified_member(user) -> bool:
    return _is_verified_member(user)


@register.simple_tag(takes_context=True)
def can_see_materials(context, page) -> bool:
    """False when the seminar's materials are reserved and the visitor is not a verified member."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return not getattr(page, "members_only_materials", False) or _is_verified_member(user)


@register.inclusion_tag("accounts/includes/reserved_prompt.html", takes_context=True)
def reserved_prompt(context, title=""):
    request = context.get("request")
    return {"title": title, "user": getattr(request, "user", None), "next": request.get_full_path() if request else "/"}


@register.inclusion_tag("accounts/includes/seminar_registration.html", takes_context=True)
def seminar_registration(context, seminar):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "seminar": seminar,
        "request": request,
        "user": user,
        "open": registrations.registration_open(seminar),
        "has_capacity": seminar.capacity is not None,
        "counts": registrations.seat_counts(seminar) if seminar.capacity is not None else None,
        "registration": registrations.registration_of(seminar, user) if user is not None else None,
        "verified": _is_verified_member(user),
    }


@register.simple_tag
def registration_is_open(seminar) -> bool:
    """Whether the page may offer "Iscriviti" (the same answer the registration box and view use)."""
    return registrations.registration_open(seminar)
