"""A messages-per-second limit shared by every sending loop that shares the cache (Redis in production)."""
from __future__ import annotations

import time

from django.core.cache import cache


class RateLimiter:
    def __init__(self, per_second: int, name: str = "newsletter:rate"):
        self.per_second = per_second
        self.name = name

    def wait(self) -> None:
        """Block until one more message fits in the current second (no-op when unlimited)."""
        if self.per_second <= 0:
            return
        while True:
            second = int(time.time())
            key = f"{self.name}:{second}"
            cache.add(key, 0, 10)
            try:
                used = cache.incr(key)
            except ValueError:  # expired between add and incr
                continue
            if used <= self.per_second:
                return
            time.sleep(max(0.005, second + 1 - time.time()))
