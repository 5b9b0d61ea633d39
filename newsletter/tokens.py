"""Signed links in mails: confirmation (expiring) and the subscriber's personal link (preferences, unsubscribe).

The signed value is the subscriber's random ``key``, never the numeric id; each
purpose has its own salt, so a token for one purpose is useless for another.
Django's signers check against ``SECRET_KEY`` and then each of ``SECRET_KEY_FALLBACKS``
(settings, from the environment): rotating the key keeps the links already mailed working.
"""
from __future__ import annotations

from django.core import signing

from newsletter import conf

CONFIRM_SALT = "newsletter.confirm"
PERSONAL_SALT = "newsletter.personal"


class InvalidToken(Exception):
    """The link was altered or forged."""


class ExpiredToken(InvalidToken):
    """The link was genuine but is too old."""


class _FixedClockSigner(signing.TimestampSigner):
    """A TimestampSigner that stamps a given instant instead of now."""

    def __init__(self, *args, at: float, **kwargs):
        super().__init__(*args, **kwargs)
        self._at = at

    def timestamp(self):
        return signing.b62_encode(int(self._at))


def confirm_token(subscriber, issued_at: float | None = None) -> str:
    """Token of the double opt-in link; ``issued_at`` (epoch seconds) defaults to now."""
    if issued_at is None:
        signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    else:
        signer = _FixedClockSigner(salt=CONFIRM_SALT, at=issued_at)
    return signer.sign(str(subscriber.key))


def read_confirm_token(token: str) -> str:
    """The subscriber key in a confirmation token; raises ExpiredToken / InvalidToken."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        return signer.unsign(token, max_age=conf.confirm_days() * 86400)
    except signing.SignatureExpired as exc:
        raise ExpiredToken(str(exc)) from None
    except signing.BadSignature as exc:
        raise InvalidToken(str(exc)) from None


def personal_token(subscriber) -> str:
    """Token of the links every mail carries (preferences, data, erasure, unsubscribe). Does not expire."""
    return signing.Signer(salt=PERSONAL_SALT).sign(str(subscriber.key))


def read_personal_token(token: str) -> str:
    try:
        return signing.Signer(salt=PERSONAL_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidToken(str(exc)) from None


# Downloading or erasing one's data needs more than the personal link, which travels with every
# forwarded newsletter: the request mails a link of its own, signed for that purpose and expiring.
DATA_SALTS = {"export": "newsletter.data.export", "erase": "newsletter.data.erase"}


def data_token(subscriber, purpose: str) -> str:
    """Token of the mailed link that downloads (``export``) or erases (``erase``) the subscriber's data."""
    return signing.TimestampSigner(salt=DATA_SALTS[purpose]).sign(str(subscriber.key))


def read_data_token(token: str, purpose: str) -> str:
    """The subscriber key in a data link; raises ExpiredToken after NEWSLETTER_DATA_LINK_HOURS, else InvalidToken."""
    signer = signing.TimestampSigner(salt=DATA_SALTS[purpose])
    try:
        return signer.unsign(token, max_age=conf.data_link_hours() * 3600)
    except signing.SignatureExpired as exc:
        raise ExpiredToken(str(exc)) from None
    except signing.BadSignature as exc:
        raise InvalidToken(str(exc)) from None
