"""How fast and how often an edition is sent: the rate limit, batch sizes, retry backoff, stalls.

Nothing here sends or claims anything: the sending loop (``newsletter.batches``) and the
tasks ask these questions ("may the next message go now?", "when is the next retry due?").
"""
from __future__ import annotations

import datetime
import time

from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone

from newsletter import conf
from newsletter.models import Delivery

STALL_SECONDS = 120  # a sending edition without progress for this long is resumed by the periodic tick
CHUNK_SIZE = 250  # candidate rows read per query
CHECK_EVERY = 100  # messages between progress stamps and looks at the error count (pause/cancel: every claim checks)
SEGMENTS_PER_QUERY = 50  # segment renders read at once (each holds the whole mail)


class RateLimiter:
    """A messages-per-second limit shared by every sending loop that shares the cache (Redis in production).

    A loop takes a slot of the current second before it tries a row, and spends it only on a row it
    claimed: several loops read the same pending rows, so a loop often finds its row taken by another,
    and a slot given up on such a row was a message the limit allowed and nobody sent (two workers
    delivered a third of the limit). An unspent slot is kept for the loop's next row while its second
    lasts, never longer, so a second still sees at most the limit.
    """

    def __init__(self, per_second: int, name: str = "newsletter:rate"):
        self.per_second = per_second
        self.name = name
        self._held: int | None = None  # the second of the slot this loop holds, unspent

    @property
    def is_unlimited(self) -> bool:
        return self.per_second <= 0

    def wait(self) -> None:
        """Block until this loop holds a slot of the current second (no-op when unlimited)."""
        if self.is_unlimited or self._held == int(time.time()):
            return
        self._held = None
        while True:
            second = int(time.time())
            key = f"{self.name}:{second}"
            cache.add(key, 0, 10)
            try:
                used = cache.incr(key)
            except ValueError:  # expired between add and incr
                continue
            if used <= self.per_second:
                self._held = second
                return
            time.sleep(max(0.005, second + 1 - time.time()))

    def spend(self) -> None:
        """The held slot went to a message (sent, or attempted and failed): the next one waits again."""
        self._held = None


def retry_delay(attempts: int) -> datetime.timedelta:
    """After the ``attempts``-th temporary failure: the base delay, doubling at each attempt."""
    return datetime.timedelta(seconds=conf.retry_base_seconds() * (2 ** max(0, attempts - 1)))


def gives_up(attempts: int) -> bool:
    """Whether a temporary failure after ``attempts`` attempts becomes a failure."""
    return attempts >= conf.max_attempts()


def over_error_threshold(error_count: int) -> bool:
    """SMTP errors since the last resume past which a sending edition pauses itself."""
    return error_count >= conf.error_threshold()


def due(now) -> Q:
    """Rows whose (next) attempt is due at ``now``."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def next_retry_delay(edition, now: datetime.datetime | None = None) -> float | None:
    """Seconds until the earliest deferred row is due (0 if some are due now, None if none wait)."""
    now = now or timezone.now()
    pending = Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING)
    if not pending.exists():
        return None
    earliest = pending.aggregate(m=Min("next_attempt_at"))["m"]
    if earliest is None or pending.filter(due(now)).exists():
        return 0
    return max(0.0, (earliest - now).total_seconds())
