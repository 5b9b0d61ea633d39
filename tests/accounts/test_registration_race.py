"""Two members racing for the last seat on PostgreSQL: exactly one gets it (real row locks)."""
from __future__ import annotations

import threading

import pytest

from tests.accounts.conftest import make_member, make_seminar

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _in_thread(target, results, key, *args):
    from django.db import connection

    try:
        results[key] = target(*args)
    except Exception as error:  # reported by the test, not swallowed
        results[key] = error
    finally:
        connection.close()


def test_two_requests_for_the_last_seat(postgres_required, tree):
    from django.db import connection

    from portal.accounts import registrations

    assert connection.vendor == "postgresql"
    for round_number in range(5):
        seminar = make_seminar(tree, f"ultimo-posto-{round_number}", capacity=1)
        users = [make_member(f"corsa{round_number}-{n}@example.it") for n in range(2)]
        barrier = threading.Barrier(2)
        results: dict = {}

        def race(user):
            barrier.wait()
            return registrations.register(seminar, user).status

        threads = [threading.Thread(target=_in_thread, args=(race, results, n, user)) for n, user in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(results.values()) == ["confirmed", "waiting"], results
        assert registrations.seat_counts(seminar) == {"capacity": 1, "confirmed": 1, "waiting": 1, "free": 0}


def test_second_request_waits_for_the_first_to_commit(postgres_required, tree):
    """Hold the first registration's transaction open: the second blocks on the seminar lock,
    then sees the seat taken. Without the lock both would read 'one seat free'."""
    from django.db import transaction

    from portal.accounts import registrations

    seminar = make_seminar(tree, "lock-esplicito", capacity=1)
    first_user, second_user = make_member("primo@example.it"), make_member("secondo@example.it")
    first_inside, release_first = threading.Event(), threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            status = registrations.register(seminar, first_user).status
            first_inside.set()
            assert release_first.wait(30)
        return status

    def second():
        return registrations.register(seminar, second_user).status

    thread_one = threading.Thread(target=_in_thread, args=(first, results, "first"))
    thread_one.start()
    assert first_inside.wait(30)
    thread_two = threading.Thread(target=_in_thread, args=(second, results, "second"))
    thread_two.start()
    thread_two.join(1.0)
    assert thread_two.is_alive(), "the second registration must wait for the first transaction"
    release_first.set()
    thread_one.join(30)
    thread_two.join(30)
    assert results == {"first": "confirmed", "second": "waiting"}


def test_concurrent_http_requests(postgres_required, tree):
    from django.test import Client

    from portal.accounts.models import Registration

    seminar = make_seminar(tree, "http-race", capacity=1)
    users = [make_member(f"http{n}@example.it") for n in range(4)]
    barrier = threading.Barrier(len(users))
    results: dict = {}

    def post(user):
        client = Client()
        client.force_login(user)
        barrier.wait()
        return client.post(f"/account/seminari/{seminar.pk}/iscrizione/").status_code

    threads = [threading.Thread(target=_in_thread, args=(post, results, n, u)) for n, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(results.values()) == {302}, results
    statuses = sorted(Registration.objects.filter(seminar=seminar).values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting", "waiting", "waiting"]
