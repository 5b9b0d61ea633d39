"""What editors and moderators do to an edition, with the work each action starts.

The state changes themselves are in ``newsletter.edition_state``; "send now" and "resume" also
queue the fan-out once their transaction commits, which is why this module sits above the
tasks (and the tasks, which start scheduled editions themselves, never import it).
"""
from __future__ import annotations

from newsletter import edition_state, tasks
from newsletter.edition_state import (  # noqa: F401  (the actions callers use, in one place)
    EmptyEdition,
    InvalidTransition,
    approve,
    back_to_draft,
    cancel,
    pause,
    schedule,
)
from newsletter.models import Edition


def submit_for_moderation(edition: Edition, user) -> Edition:
    """Draft -> in moderation; the moderators get a mail once the change is committed."""
    edition = edition_state.submit_for_moderation(edition, user)
    tasks.queue_moderators_notice(edition)
    return edition


def start_sending(edition: Edition, user=None) -> Edition:
    """Approved or scheduled -> sending; the fan-out runs after commit."""
    edition = edition_state.mark_sending(edition, user)
    tasks.queue_fan_out(edition)
    return edition


def resume(edition: Edition, user=None) -> Edition:
    """Paused -> sending; a new fan-out picks up exactly the rows still pending."""
    edition = edition_state.mark_resumed(edition, user)
    tasks.queue_fan_out(edition)
    return edition
