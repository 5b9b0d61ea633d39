"""Signed links of the alert mails: confirmation (expiring), unsubscribe, a visitor's alerts page.

The signed value is the alert's random ``key`` (or, for the page listing a visitor's alerts,
the address), never a numeric id; each purpose has its own salt.
"""
from __future__ import annotations

from django.core import signing

CONFIRM_SALT = "alerts.confirm"
ALERT_SALT = "alerts.alert"
MANAGE_SALT = "alerts.manage"
CONFIRM_DAYS = 7


class InvalidToken(Exception):
    """Altered, forged or expired."""


def confirm_token(alert) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(alert.key))


def read_confirm_token(token: str) -> str:
    try:
        return signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_DAYS * 86400)
    except signing.BadSignature as exc:  # SignatureExpired included
        raise InvalidToken(str(exc)) from None


def alert_token(alert) -> str:
    """The unsubscribe link every digest carries. Does not expire."""
    return signing.Signer(salt=ALERT_SALT).sign(str(alert.key))


def read_alert_token(token: str) -> str:
    try:
        return signing.Signer(salt=ALERT_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidToken(str(exc)) from None


def manage_token(email: str) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(email.lower())


def read_manage_token(token: str) -> str:
    try:
        return signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidToken(str(exc)) from None
