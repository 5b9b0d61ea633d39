"""How many messages a member may relay: per hour, per day, and to one contact in ten minutes."""
from __future__ import annotations

from django.core.cache import cache

LIMITS = (  # (name, seconds, messages)
    ("hour", 3600, 5),
    ("day", 86400, 20),
)
SAME_CONTACT_SECONDS = 600


def _keys(user_id: int, contact_id: int) -> list[tuple[str, int, int]]:
    keys = [(f"relay:{name}:{user_id}", seconds, most) for name, seconds, most in LIMITS]
    keys.append((f"relay:contact:{user_id}:{contact_id}", SAME_CONTACT_SECONDS, 1))
    return keys


def allowed(user_id: int, contact_id: int) -> bool:
    return all((cache.get(key) or 0) < most for key, _seconds, most in _keys(user_id, contact_id))


def count(user_id: int, contact_id: int) -> None:
    for key, seconds, _most in _keys(user_id, contact_id):
        cache.add(key, 0, seconds)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, seconds)
