"""Newsletter settings with their defaults, read in one place.

``DEFAULTS`` is the one list of the ``NEWSLETTER_*`` settings and their defaults:
``portal.settings`` sets each from the environment variable of the same name or,
when it is unset, from here. The functions below read the setting at call time
(tests override it), falling back on the same default when it is absent.
"""
from django.conf import settings

DEFAULTS = {
    "NEWSLETTER_REPLY_TO": "redazione@cdp-inclusione.toscana.example",  # empty: DEFAULT_FROM_EMAIL
    "NEWSLETTER_CONFIRM_DAYS": 7,
    "NEWSLETTER_RATE_PER_SECOND": 0,  # 0: no limit
    "NEWSLETTER_BATCH_SIZE": 1000,
    # Sending loops per edition: raise it to the number of Celery workers so they all send (rate limit shared in Redis)
    "NEWSLETTER_PARALLEL_SENDERS": 1,
    "NEWSLETTER_MAX_ATTEMPTS": 6,  # per delivery, on 4xx answers
    "NEWSLETTER_RETRY_BASE_SECONDS": 60,  # doubles at each attempt
    "NEWSLETTER_ERROR_THRESHOLD": 50,  # SMTP errors that pause a sending
    "NEWSLETTER_BOUNCE_SECRET": None,  # unset: the bounce endpoint is off
    # Count clicks on the links of editions, in aggregate, through a redirect that stores nobody's identity.
    "NEWSLETTER_CLICK_COUNTING": False,
    # Bounces (README, "Rimbalzi"): the VERP Return-Path and the mailbox read over IMAP.
    "NEWSLETTER_BOUNCE_ADDRESS": "",  # e.g. bounces@domain; unset: no VERP
    "NEWSLETTER_BOUNCE_IMAP_HOST": "",  # unset: the mailbox is not read
    "NEWSLETTER_BOUNCE_IMAP_PORT": 993,
    "NEWSLETTER_BOUNCE_IMAP_SSL": True,
    "NEWSLETTER_BOUNCE_IMAP_USER": "",
    "NEWSLETTER_BOUNCE_IMAP_PASSWORD": "",
    "NEWSLETTER_BOUNCE_IMAP_FOLDER": "INBOX",
    # The mailbox of the mailto: unsubscribe address, when it is not the bounce mailbox.
    "NEWSLETTER_UNSUBSCRIBE_IMAP_HOST": "",
    "NEWSLETTER_UNSUBSCRIBE_IMAP_PORT": 993,
    "NEWSLETTER_UNSUBSCRIBE_IMAP_SSL": True,
    "NEWSLETTER_UNSUBSCRIBE_IMAP_USER": "",
    "NEWSLETTER_UNSUBSCRIBE_IMAP_PASSWORD": "",
    "NEWSLETTER_UNSUBSCRIBE_IMAP_FOLDER": "INBOX",
    "NEWSLETTER_SOFT_BOUNCE_THRESHOLD": 3,  # soft bounces that suppress
    "NEWSLETTER_UNSUBSCRIBE_MAILTO": "",  # default: NEWSLETTER_REPLY_TO
    # Who sends the newsletter, in its footer (the bodies that run the community) and the privacy notice.
    "NEWSLETTER_SENDER_IDENTITY": (
        "Comunità di pratica promossa da Regione Toscana, ANCI Toscana e Istituto per la Ricerca Sociale (IRS)"
    ),
    "NEWSLETTER_PRIVACY_PATH": "/privacy/",
    "NEWSLETTER_DATA_LINK_HOURS": 24,  # validity of mailed download/erase links
}


def _get(name: str):
    return getattr(settings, name, DEFAULTS[name])

# The privacy notice the subscription form shows. Bump the version whenever the
# text in templates/newsletter/includes/privacy_notice.html changes: consent
# records keep the version that was accepted.
PRIVACY_VERSION = "2025-01"


def confirm_days() -> int:
    """How long a confirmation link is valid; unconfirmed subscriptions are purged after it."""
    return int(_get("NEWSLETTER_CONFIRM_DAYS"))


def rate_per_second() -> int:
    """Messages per second across the sending loops; 0 means no limit."""
    return int(_get("NEWSLETTER_RATE_PER_SECOND"))


def batch_size() -> int:
    return max(1, int(_get("NEWSLETTER_BATCH_SIZE")))


def max_attempts() -> int:
    """Attempts per delivery before a temporary SMTP error becomes a failure."""
    return max(1, int(_get("NEWSLETTER_MAX_ATTEMPTS")))


def retry_base_seconds() -> int:
    """First retry delay after a 4xx; doubles at each attempt."""
    return max(0, int(_get("NEWSLETTER_RETRY_BASE_SECONDS")))


def error_threshold() -> int:
    """SMTP errors (temporary or permanent) after which a sending edition pauses itself."""
    return max(1, int(_get("NEWSLETTER_ERROR_THRESHOLD")))


def parallel_senders() -> int:
    """How many sending loops run at once for one edition.

    One by default: a loop sends hundreds of messages a second, more than a relay accepts, and
    two loops in the threads of one worker process compete for the GIL exactly between the end of
    SMTP DATA and the commit of the row (see newsletter.transport), widening the crash window.
    """
    return max(1, int(_get("NEWSLETTER_PARALLEL_SENDERS")))


def bounce_secret() -> str | None:
    """Shared secret of the bounce/complaint endpoint; unset disables the endpoint."""
    return _get("NEWSLETTER_BOUNCE_SECRET") or None


def reply_to() -> str:
    return _get("NEWSLETTER_REPLY_TO") or settings.DEFAULT_FROM_EMAIL


def unsubscribe_mailto() -> str:
    """Address of the mailto: form of List-Unsubscribe (defaults to the reply-to mailbox)."""
    return _get("NEWSLETTER_UNSUBSCRIBE_MAILTO") or reply_to()


def public_base_url() -> str:
    from portal import public_urls

    return public_urls.base_url()


def absolute_url(path: str) -> str:
    """An absolute URL on the public site (mails and feeds never use the request host)."""
    from portal import public_urls

    return public_urls.absolute_url(path)


def click_counting() -> bool:
    """Whether the links of editions sent from now on count clicks (an anonymous redirect). Off by default."""
    return bool(_get("NEWSLETTER_CLICK_COUNTING"))


def bounce_address() -> str:
    """The mailbox bounces go to (``bounces@domain``); empty: no VERP, the From address is the envelope sender."""
    return (_get("NEWSLETTER_BOUNCE_ADDRESS") or "").strip()


def soft_bounce_threshold() -> int:
    """Soft bounces of one address after which it is suppressed like a hard bounce."""
    return max(1, int(_get("NEWSLETTER_SOFT_BOUNCE_THRESHOLD")))


def imap_account(prefix: str) -> dict | None:
    """IMAP settings ``NEWSLETTER_<prefix>_IMAP_*`` (prefix BOUNCE or UNSUBSCRIBE); None when no host is set."""
    host = _get(f"NEWSLETTER_{prefix}_IMAP_HOST") or ""
    if not host:
        return None
    return {
        "host": host,
        "port": int(_get(f"NEWSLETTER_{prefix}_IMAP_PORT")),
        "ssl": bool(_get(f"NEWSLETTER_{prefix}_IMAP_SSL")),
        "user": _get(f"NEWSLETTER_{prefix}_IMAP_USER") or "",
        "password": _get(f"NEWSLETTER_{prefix}_IMAP_PASSWORD") or "",
        "folder": _get(f"NEWSLETTER_{prefix}_IMAP_FOLDER") or "INBOX",
    }


def sender_identity() -> str:
    """Who sends the newsletter: the bodies that run the community (newsletter footer)."""
    return _get("NEWSLETTER_SENDER_IDENTITY") or ""


def privacy_url() -> str:
    return absolute_url(_get("NEWSLETTER_PRIVACY_PATH") or "/privacy/")


def data_link_hours() -> int:
    """How long a mailed link to download or erase one's data is valid."""
    return max(1, int(_get("NEWSLETTER_DATA_LINK_HOURS")))
