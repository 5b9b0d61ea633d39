"""The outbox applier lock, on whichever database the tier runs (fast tier: both).

``applier_lock`` keeps two index writers from interleaving (an older state written after a
newer one). It has two branches: a PostgreSQL advisory lock shared by every process, and a
process-local lock on SQLite (what ``make run`` serves, one process). CI runs the fast
tier on both databases; each run checks its own branch by asking, from another thread,
whether the lock can be taken while an applier holds it. No sleep: a try-lock answers
at once.
"""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from search.indexing import outbox

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _other_writer_could_take_it() -> bool:
    """What a second applier would get right now, asked from another thread (its own connection)."""
    answer: list[bool] = []

    def probe():
        try:
            if connection.vendor == "postgresql":
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [outbox.LOCK_KEY])
                    got = cursor.fetchone()[0]
                    if got:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [outbox.LOCK_KEY])
                answer.append(got)
            else:
                got = outbox._local_lock.acquire(blocking=False)
                if got:
                    outbox._local_lock.release()
                answer.append(got)
        finally:
            connections.close_all()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    assert answer, "the probe did not answer"
    return answer[0]


def test_while_an_applier_holds_the_lock_no_other_writer_can_take_it():
    print(f"\napplier lock branch: {connection.vendor}")
    assert _other_writer_could_take_it(), "free before"
    with outbox.applier_lock():
        assert not _other_writer_could_take_it(), "held by the applier"
    assert _other_writer_could_take_it(), "released with the applier's transaction"


def test_the_lock_is_released_when_the_applier_fails():
    with pytest.raises(RuntimeError):
        with outbox.applier_lock():
            raise RuntimeError("a batch failed")
    assert _other_writer_could_take_it()
