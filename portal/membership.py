"""Who is a member, and the signal sent when a member's account goes.

Members are logged-in users with a verified e-mail. Every app asks ``is_verified_member``
instead of re-deciding: cms (what is "riservato agli operatori": cms.visibility decides for
pages and documents), search, questions, relay and the member area (portal.accounts).

This module imports none of the portal's apps (the app-layers contract in pyproject.toml), so
all of them may ask it; the roles table is its neighbour, portal.roles.
"""
from __future__ import annotations

from django.dispatch import Signal

#: Sent just before a member's account is erased (GDPR, portal.accounts.erasure):
#: ``sender=User, user=..., email=...``. Apps holding personal data keyed by the user or the
#: e-mail (the newsletter, the questions) erase theirs here.
account_deleting = Signal()


def is_verified_member(user) -> bool:
    """Logged in with at least one verified e-mail address (memoised on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_cdp_verified_member", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._cdp_verified_member = cached
    return cached
