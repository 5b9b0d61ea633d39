"""Editions built from content tagged "newsletter": right items, right sections, nothing else."""
from __future__ import annotations

import datetime

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware

pytestmark = pytest.mark.django_db

JAN, FEB = datetime.date(2027, 1, 1), datetime.date(2027, 2, 28)


@pytest.fixture
def content():
    """One of each kind inside January-February 2027, plus everything that must stay out."""
    from wagtail.models import Page, PageViewRestriction

    zona_x = factories.zona("Zona Alfa")
    made = {
        "norm_new": factories.norm("DGR nuova", aware(datetime.date(2027, 1, 15))),
        "norm_changed": factories.norm("DGR modificata", aware(datetime.date(2026, 5, 3))),
        "practice": factories.practice("Pratica Alfa", aware(datetime.date(2027, 2, 1)), zona_x),
        "seminar_past": factories.seminar("Seminario di gennaio", aware(datetime.date(2027, 1, 10)),
                                          start=aware(datetime.date(2027, 1, 20))),
        "seminar_upcoming": factories.seminar("Seminario di marzo", aware(datetime.date(2026, 11, 2)),
                                              start=aware(datetime.date(2027, 3, 20))),
        "data": factories.data("Beneficiari 2026", aware(datetime.date(2027, 2, 27))),
        "news": factories.news("Notizia di febbraio", aware(datetime.date(2027, 2, 14))),
        # absent
        "untagged": factories.news("Notizia senza etichetta", aware(datetime.date(2027, 1, 20)), tags=()),
        "draft": factories.news("Bozza", aware(datetime.date(2027, 1, 21)), live=False),
        "private": factories.news("Riservata", aware(datetime.date(2027, 1, 22))),
        "before": factories.news("Fine dicembre", aware(datetime.date(2026, 12, 31), hour=23)),
        "after": factories.news("Primo marzo", aware(datetime.date(2027, 3, 1), hour=0)),
        "seminar_old": factories.seminar("Seminario vecchio", aware(datetime.date(2026, 9, 1)),
                                         start=aware(datetime.date(2026, 10, 1))),
        "practice_old": factories.practice("Pratica vecchia", aware(datetime.date(2026, 12, 1)), zona_x),
    }
    # "changed": first published long ago, republished in the window (norms count as news when changed)
    Page.objects.filter(pk=made["norm_changed"].pk).update(last_published_at=aware(datetime.date(2027, 2, 10)))
    # a practice republished in the window is not news
    Page.objects.filter(pk=made["practice_old"].pk).update(last_published_at=aware(datetime.date(2027, 2, 10)))
    PageViewRestriction.objects.create(page=made["private"], restriction_type=PageViewRestriction.LOGIN)
    return made


def _layout(edition):
    return [(item.section, item.page_id) for item in edition.items.order_by("sort_order")]


def test_build_collects_tagged_live_public_content_of_the_window_by_section(content):
    from newsletter.editions import build_edition

    edition, created = build_edition(JAN, FEB)
    assert created and edition.status == "draft"
    assert edition.title == "n. 1 - gennaio/febbraio 2027"
    by_section = {}
    for section, page_id in _layout(edition):
        by_section.setdefault(section, []).append(page_id)
    c = content
    assert by_section == {
        "normativa": [c["norm_new"].pk, c["norm_changed"].pk],  # newest act first
        "pratiche": [c["practice"].pk],
        "seminari": [c["seminar_past"].pk, c["seminar_upcoming"].pk],  # past materials, then upcoming dates
        "dati": [c["data"].pk],
        "notizie": [c["news"].pk],
    }
    present = {page_id for _s, page_id in _layout(edition)}
    for absent in ("untagged", "draft", "private", "before", "after", "seminar_old", "practice_old"):
        assert c[absent].pk not in present, absent


def test_building_the_same_window_twice_gives_the_same_draft(content):
    from newsletter.editions import build_edition
    from newsletter.models import Edition, EditionItem

    first, created = build_edition(JAN, FEB)
    layout = _layout(first)
    second, created_again = build_edition(JAN, FEB)
    assert created and not created_again
    assert second.pk == first.pk and _layout(second) == layout
    assert Edition.objects.count() == 1 and EditionItem.objects.count() == len(layout) == 7
    following, _ = build_edition(datetime.date(2027, 3, 1), datetime.date(2027, 4, 30))
    assert following.number == 2 and following.title == "n. 2 - marzo/aprile 2027"
    # the upcoming March seminar belongs to the next window too (its date falls in it)
    assert content["seminar_upcoming"].pk in {p for _s, p in _layout(following)}


def test_window_labels_across_a_year():
    from newsletter.editions import previous_window
    from newsletter.models import edition_title

    assert previous_window(datetime.date(2027, 3, 1)) == (JAN, FEB)
    assert previous_window(datetime.date(2027, 1, 1)) == (datetime.date(2026, 11, 1), datetime.date(2026, 12, 31))
    assert previous_window(datetime.date(2028, 3, 1)) == (datetime.date(2028, 1, 1), datetime.date(2028, 2, 29))
    assert edition_title(12, datetime.date(2026, 12, 1), datetime.date(2027, 1, 31)) == "n. 12 - dicembre 2026/gennaio 2027"


def test_beat_schedule_exists_for_day_one_of_every_second_month():
    from django_celery_beat.models import PeriodicTask

    build = PeriodicTask.objects.get(task="newsletter.build_edition")
    assert build.enabled and build.crontab.day_of_month == "1"
    assert build.crontab.month_of_year == "1,3,5,7,9,11" and str(build.crontab.timezone) == "Europe/Rome"
    assert PeriodicTask.objects.get(task="newsletter.tick").interval.every == 1
    assert PeriodicTask.objects.filter(task="newsletter.purge_unconfirmed", enabled=True).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_task_builds_the_draft_and_mails_the_editors_once(content, smtp):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from newsletter.tasks import build_edition

    User = get_user_model()
    editor = User.objects.create_user("redattrice", "redattrice@example.it", "x-Password-123")
    group = Group.objects.create(name="Redazione newsletter test")
    group.permissions.add(Permission.objects.get(codename="change_edition", content_type__app_label="newsletter"))
    editor.groups.add(group)
    User.objects.create_superuser("capo", "capo@example.it", "x-Password-123")
    User.objects.create_user("lettore", "lettore@example.it", "x-Password-123")

    result = build_edition.delay("2027-03-01").get()
    assert result["created"] and result["items"] == 7
    received = smtp.wait_for(2)
    assert sorted(rcpt for rcpt, _m in received) == ["capo@example.it", "redattrice@example.it"]
    message = received[0][1]
    assert "n. 1 - gennaio/febbraio 2027" in str(message["Subject"])
    assert f"/admin/newsletter/edition/edit/{result['edition']}/" in message.get_content()

    again = build_edition.delay("2027-03-01").get()
    assert again == {**result, "created": False}
    assert build_edition.app.conf.task_always_eager, "the task and its mails ran inside .delay(): nothing is on its way"
    assert len(smtp.received) == 2, "the editors are told once"
