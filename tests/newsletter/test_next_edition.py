"""Creating the next edition (issue 16, item 5), with fixed dates.

The defects: the admin's "add" built an empty edition, and running the task by hand on
6 December made "n. 2 - ottobre/novembre", overlapping n. 1 (settembre/ottobre).
"""
from __future__ import annotations

import datetime

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware

pytestmark = pytest.mark.django_db

SEP_1, OCT_31 = datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)
DEC_6 = datetime.date(2026, 12, 6)


@pytest.fixture
def first_edition():
    """N. 1, settembre/ottobre 2026, built by beat on 1 November."""
    from newsletter.editions import create_next_edition

    factories.norm("DGR di settembre", aware(datetime.date(2026, 9, 15)))
    edition, created = create_next_edition(datetime.date(2026, 11, 1), ended_only=True)
    assert created and (edition.number, edition.window_start, edition.window_end) == (1, SEP_1, OCT_31)
    return edition


def _overlaps(editions) -> list:
    spans = sorted((e.window_start, e.window_end, e.number) for e in editions)
    return [(a, b) for a, b in zip(spans, spans[1:]) if b[0] <= a[1]]


def test_running_the_beat_task_by_hand_on_6_december_does_not_overlap_the_previous_edition(first_edition):
    from newsletter.models import Edition
    from newsletter.tasks import build_edition

    result = build_edition("2026-12-06")

    assert not result["created"] and result["number"] == 1, "novembre/dicembre has not ended yet"
    assert Edition.objects.count() == 1 and not _overlaps(Edition.objects.all())


def test_editor_creates_the_next_edition_from_the_admin_with_the_content_of_its_period(first_edition, admin_client,
                                                                                       monkeypatch):
    from django.utils import timezone

    from newsletter.models import Edition
    from newsletter.tasks import build_edition

    november = factories.news("Notizia di novembre", aware(datetime.date(2026, 11, 20)))
    factories.news("Notizia di ottobre", aware(datetime.date(2026, 10, 20)))  # n. 1's period

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DEC_6)  # the admin acts on 6 December
    page = admin_client.get("/admin/newsletter/edition/new/")
    assert page.status_code == 200 and "novembre/dicembre 2026" in page.content.decode()
    response = admin_client.post("/admin/newsletter/edition/new/")
    second = Edition.objects.get(number=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/edit/{second.pk}/")
    assert (second.window_start, second.window_end) == (datetime.date(2026, 11, 1), datetime.date(2026, 12, 31))
    assert second.title == "n. 2 - novembre/dicembre 2026"
    assert list(second.items.values_list("page_id", flat=True)) == [november.pk]

    # beat on 1 January finds novembre/dicembre made already; on 1 March it makes gennaio/febbraio
    assert build_edition("2027-01-01")["number"] == 2
    third = build_edition("2027-03-01")
    assert third["created"] and third["number"] == 3
    assert Edition.objects.get(number=3).window_start == datetime.date(2027, 1, 1)
    assert not _overlaps(Edition.objects.all())
    assert sorted(Edition.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_after_a_misaligned_edition_the_next_period_starts_the_day_after_it():
    from newsletter.editions import create_next_edition
    from newsletter.models import Edition, edition_title

    Edition.objects.create(number=1, window_start=datetime.date(2026, 10, 1), window_end=datetime.date(2026, 11, 30),
                           title=edition_title(1, datetime.date(2026, 10, 1), datetime.date(2026, 11, 30)))
    second, created = create_next_edition(DEC_6)
    assert created and (second.number, second.window_start, second.window_end) == (
        2, datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert not _overlaps(Edition.objects.all())


def test_edition_windows_that_overlap_are_refused_by_validation(first_edition):
    from django.core.exceptions import ValidationError

    from newsletter.models import Edition

    overlapping = Edition(number=2, title="x", window_start=datetime.date(2026, 10, 1),
                          window_end=datetime.date(2026, 11, 30))
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "si sovrappone" in str(error.value)
