"""The digest run holds a bounded batch of alerts, not all of them: memory flat in the number of alerts.

Reproduced first: ``make bench`` (bench/alerts.py) measured the peak of ``send_digests`` at 0.86 MB with
1,000 alerts and 8.52 MB with 10,000 (ratio 9.9, target <= 2): ``due_alerts`` loaded every due alert as a
model instance before the first mail left. It now yields their ids batch by batch.
"""
from __future__ import annotations

import tracemalloc
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import digest
from alerts.models import Alert, AlertMatch
from tests import builders

pytestmark = pytest.mark.django_db


def _alerts_with_a_match(count: int, page) -> None:
    now = timezone.now()
    Alert.objects.filter(email__endswith="@memoria.invalid").delete()
    created = Alert.objects.bulk_create([
        Alert(email=f"a{n}@memoria.invalid", query="q=lavoro", confirmed_at=now) for n in range(count)])
    ids = [a.pk for a in created] if created[0].pk else Alert.objects.filter(
        email__endswith="@memoria.invalid").values_list("pk", flat=True)
    AlertMatch.objects.bulk_create([AlertMatch(alert_id=pk, page_id=page.pk, published_at=now) for pk in ids])


def _peak_of_walking_the_due_alerts() -> tuple[int, int]:
    tracemalloc.start()
    walked = sum(1 for _ in digest.due_alerts(None, timezone.now()))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return walked, peak


def test_walking_the_due_alerts_holds_a_batch_not_all_of_them():
    page = builders.practice("Pratica per la memoria del digest", "Lavoro e inclusione.")
    peaks = {}
    for count in (1_000, 5_000):  # both above one batch (digest.BATCH = 500)
        _alerts_with_a_match(count, page)
        walked, peaks[count] = _peak_of_walking_the_due_alerts()
        assert walked == count
    assert peaks[5_000] <= 2 * peaks[1_000], peaks


def test_due_alerts_keeps_each_frequency_period():
    page = builders.practice("Pratica per i periodi del digest", "Lavoro e inclusione.")
    now = timezone.now()
    kinds = {
        "daily-never": (Alert.Frequency.DAILY, None, True),
        "daily-yesterday": (Alert.Frequency.DAILY, now - timedelta(hours=21), True),
        "daily-this-morning": (Alert.Frequency.DAILY, now - timedelta(hours=3), False),
        "weekly-last-week": (Alert.Frequency.WEEKLY, now - timedelta(days=7), True),
        "weekly-two-days-ago": (Alert.Frequency.WEEKLY, now - timedelta(days=2), False),
    }
    by_name = {}
    for name, (frequency, last_sent, _due) in kinds.items():
        alert = Alert.objects.create(email=f"{name}@periodi.invalid", query="q=lavoro", frequency=frequency,
                                     confirmed_at=now, last_sent_at=last_sent)
        AlertMatch.objects.create(alert=alert, page_id=page.pk, published_at=now)
        by_name[name] = alert.pk
    Alert.objects.create(email="unconfirmed@periodi.invalid", query="q=lavoro", confirmed_at=None)
    due = set(digest.due_alerts(None, now))
    assert due == {pk for name, pk in by_name.items() if kinds[name][2]}
    assert set(digest.due_alerts(Alert.Frequency.WEEKLY, now)) == {by_name["weekly-last-week"]}


def test_every_frequency_has_its_period():
    """``due_alerts`` sends again only the frequencies PERIOD names: a frequency added to the
    model without a period would get its first digest and never another."""
    assert set(digest.PERIOD) == set(Alert.Frequency)
