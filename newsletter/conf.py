"""Newsletter settings with their defaults, read in one place.

Values come from ``portal.settings`` (which reads the environment); the
defaults here keep the app working when a setting is absent.
"""
from django.conf import settings

# The privacy notice the subscription form shows. Bump the version whenever the
# text in templates/newsletter/includes/privacy_notice.html changes: consent
# records keep the version that was accepted.
PRIVACY_VERSION = "2025-01"


def confirm_days() -> int:
    """How long a confirmation link is valid; unconfirmed subscriptions are purged after it."""
    return int(getattr(settings, "NEWSLETTER_CONFIRM_DAYS", 7))


def rate_per_second() -> int:
    """Messages per second across the sending loops; 0 means no limit."""
    return int(getattr(settings, "NEWSLETTER_RATE_PER_SECOND", 0))


def batch_size() -> int:
    return max(1, int(getattr(settings, "NEWSLETTER_BATCH_SIZE", 1000)))


def max_attempts() -> int:
    """Attempts per delivery before a temporary SMTP error becomes a failure."""
    return max(1, int(getattr(settings, "NEWSLETTER_MAX_ATTEMPTS", 6)))


def retry_base_seconds() -> int:
    """First retry delay after a 4xx; doubles at each attempt."""
    return max(0, int(getattr(settings, "NEWSLETTER_RETRY_BASE_SECONDS", 60)))


def error_threshold() -> int:
    """SMTP errors (temporary or permanent) after which a sending edition pauses itself."""
    return max(1, int(getattr(settings, "NEWSLETTER_ERROR_THRESHOLD", 50)))


def parallel_senders() -> int:
    """How many sending loops run at once for one edition.

    One by default: a loop sends hundreds of messages a second, more than a relay accepts, and
    two loops in the threads of one worker process compete for the GIL exactly between the end of
    SMTP DATA and the commit of the row (see newsletter.transport), widening the crash window.
    """
    return max(1, int(getattr(settings, "NEWSLETTER_PARALLEL_SENDERS", 1)))


def bounce_secret() -> str | None:
    """Shared secret of the bounce/complaint endpoint; unset disables the endpoint."""
    return getattr(settings, "NEWSLETTER_BOUNCE_SECRET", None) or None


def reply_to() -> str:
    return getattr(settings, "NEWSLETTER_REPLY_TO", "") or settings.DEFAULT_FROM_EMAIL


def unsubscribe_mailto() -> str:
    """Address of the mailto: form of List-Unsubscribe (defaults to the reply-to mailbox)."""
    return getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "") or reply_to()


def public_base_url() -> str:
    from portal import public_urls

    return public_urls.base_url()


def absolute_url(path: str) -> str:
    """An absolute URL on the public site (mails and feeds never use the request host)."""
    from portal import public_urls

    return public_urls.absolute_url(path)


def click_counting() -> bool:
    """Whether the links of editions sent from now on count clicks (an anonymous redirect). Off by default."""
    return bool(getattr(settings, "NEWSLETTER_CLICK_COUNTING", False))


def bounce_address() -> str:
    """The mailbox bounces go to (``bounces@domain``); empty: no VERP, the From address is the envelope sender."""
    return (getattr(settings, "NEWSLETTER_BOUNCE_ADDRESS", "") or "").strip()


def soft_bounce_threshold() -> int:
    """Soft bounces of one address after which it is suppressed like a hard bounce."""
    return max(1, int(getattr(settings, "NEWSLETTER_SOFT_BOUNCE_THRESHOLD", 3)))


def imap_account(prefix: str) -> dict | None:
    """IMAP settings ``NEWSLETTER_<prefix>_IMAP_*`` (prefix BOUNCE or UNSUBSCRIBE); None when no host is set."""
    host = getattr(settings, f"NEWSLETTER_{prefix}_IMAP_HOST", "") or ""
    if not host:
        return None
    return {
        "host": host,
        "port": int(getattr(settings, f"NEWSLETTER_{prefix}_IMAP_PORT", 993)),
        "ssl": bool(getattr(settings, f"NEWSLETTER_{prefix}_IMAP_SSL", True)),
        "user": getattr(settings, f"NEWSLETTER_{prefix}_IMAP_USER", "") or "",
        "password": getattr(settings, f"NEWSLETTER_{prefix}_IMAP_PASSWORD", "") or "",
        "folder": getattr(settings, f"NEWSLETTER_{prefix}_IMAP_FOLDER", "INBOX") or "INBOX",
    }


def sender_identity() -> str:
    """Who sends the newsletter: the bodies that run the community (newsletter footer)."""
    return getattr(settings, "NEWSLETTER_SENDER_IDENTITY", "") or ""


def privacy_url() -> str:
    return absolute_url(getattr(settings, "NEWSLETTER_PRIVACY_PATH", "/privacy/") or "/privacy/")


def data_link_hours() -> int:
    """How long a mailed link to download or erase one's data is valid."""
    return max(1, int(getattr(settings, "NEWSLETTER_DATA_LINK_HOURS", 24)))
