"""Seminar registration: capacity, waiting list, promotion, mails with .ics, reminders, CSV export."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.accounts.conftest import make_member, make_seminar

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(tree):
    return make_seminar(tree, "equipe-multidisciplinari", capacity=2, title="Équipe multidisciplinari: cosa funziona",
                        place="Firenze, Palazzo Strozzi Sacrati")


@pytest.fixture
def members(db):
    return [make_member(f"operatore{n}@sds.example.it") for n in range(3)]


def _post(client, user, name, seminar):
    client.force_login(user)
    return client.post(reverse(name, args=[seminar.pk]))


def test_capacity_then_waiting_list_then_promotion(client, seminar, members, smtp, django_capture_on_commit_callbacks):
    from portal.accounts.models import Registration

    first, second, third = members
    with django_capture_on_commit_callbacks(execute=True):
        for user in members:
            assert _post(client, user, "account_seminar_register", seminar).status_code == 302
    statuses = dict(Registration.objects.filter(seminar=seminar).values_list("user__email", "status"))
    assert statuses == {first.email: "confirmed", second.email: "confirmed", third.email: "waiting"}

    smtp.wait_for(3)
    [confirmation] = smtp.messages_to(first.email)
    assert "Iscrizione confermata" in confirmation["Subject"]
    [ics_part] = [p for p in confirmation.iter_attachments() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics_part.get_content()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == seminar.title
    assert event.decoded("DTSTART") == seminar.start
    assert "Palazzo Strozzi" in str(event["LOCATION"])
    [waiting_mail] = smtp.messages_to(third.email)
    assert "lista d'attesa" in waiting_mail["Subject"]
    assert not list(waiting_mail.iter_attachments())

    smtp.reset()
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, first, "account_seminar_cancel", seminar).status_code == 302
    statuses = dict(Registration.objects.filter(seminar=seminar).values_list("user__email", "status"))
    assert statuses == {first.email: "cancelled", second.email: "confirmed", third.email: "confirmed"}
    smtp.wait_for(2)
    assert "annullata" in smtp.messages_to(first.email)[0]["Subject"]
    promoted = smtp.messages_to(third.email)[0]
    assert "Si è liberato un posto" in promoted["Subject"]
    assert any(p.get_content_type() == "text/calendar" for p in promoted.iter_attachments())


def test_registering_twice_is_harmless_and_coming_back_queues_at_the_end(seminar, members):
    from portal.accounts import registrations

    first, second, third = members
    assert registrations.register(seminar, first).status == "confirmed"
    again = registrations.register(seminar, first)
    assert again.status == "confirmed" and again.pk == registrations.registration_of(seminar, first).pk
    registrations.register(seminar, second)
    registrations.register(seminar, third)  # waiting
    registrations.cancel(seminar, first)  # third promoted
    back = registrations.register(seminar, first)
    assert back.status == "waiting"
    assert registrations.seat_counts(seminar) == {"capacity": 2, "confirmed": 2, "waiting": 1, "free": 0}


def test_raising_capacity_promotes_the_waiting_list(seminar, members):
    from portal.accounts import registrations

    for user in members:
        registrations.register(seminar, user)
    seminar.capacity = 3
    seminar.save_revision().publish()
    assert registrations.seat_counts(seminar)["confirmed"] == 3


def test_refusals(client, tree, seminar, members, unverified_member):
    anonymous = client.post(reverse("account_seminar_register", args=[seminar.pk]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/login/")

    response = _post(client, unverified_member, "account_seminar_register", seminar)
    assert response.status_code == 403 and "Verifica il tuo indirizzo email" in response.content.decode()

    no_online_registration = make_seminar(tree, "senza-iscrizione", capacity=None)
    response = _post(client, members[0], "account_seminar_register", no_online_registration)
    assert response.status_code == 409
    assert "Le iscrizioni online a questo seminario non sono aperte." in response.content.decode()

    past = make_seminar(tree, "passato", capacity=10, days_ahead=-3)
    assert _post(client, members[0], "account_seminar_register", past).status_code == 409

    assert client.get(reverse("account_seminar_register", args=[seminar.pk])).status_code == 405
    assert client.post(reverse("account_seminar_register", args=[999999])).status_code == 404


def test_profile_lists_registrations_with_cancel(client, seminar, members):
    from portal.accounts import registrations

    registrations.register(seminar, members[0])
    client.force_login(members[0])
    page = client.get(reverse("account_profile")).content.decode()
    assert seminar.title in page and "Confermata" in page
    assert reverse("account_seminar_cancel", args=[seminar.pk]) in page
    response = client.post(reverse("account_seminar_cancel", args=[seminar.pk]), {"next": "/account/profilo/"})
    assert response["Location"] == "/account/profilo/"
    assert registrations.registration_of(seminar, members[0]) is None


def test_registration_box_on_the_seminar_page(rf, seminar, members, unverified_member):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    from portal.accounts import registrations

    template = Template("{% load accounts_members %}{% seminar_registration page %}")

    def render(user):
        request = rf.get(seminar.url)
        request.user = user
        return template.render(Context({"page": seminar, "request": request}))

    assert "Accedi per iscriverti" in render(AnonymousUser())
    assert "conferma prima il tuo indirizzo email" in render(unverified_member)
    html = render(members[0])
    assert "Posti disponibili: 2 su 2." in html and reverse("account_seminar_register", args=[seminar.pk]) in html
    registrations.register(seminar, members[0])
    assert "il posto è confermato" in render(members[0])
    registrations.register(seminar, members[1])
    assert "Iscriviti alla lista d'attesa" in render(members[2])


def test_reminder_the_day_before_is_sent_once(tree, members, smtp, django_capture_on_commit_callbacks):
    from portal.accounts import registrations
    from portal.accounts.reminders import send_due_reminders

    now = timezone.now()
    tomorrow = make_seminar(tree, "domani", capacity=5, days_ahead=1, title="Seminario di domani")
    later = make_seminar(tree, "tra-dieci-giorni", capacity=5, days_ahead=10)
    registrations.register(tomorrow, members[0])
    registrations.register(later, members[1])
    waiting_seminar = make_seminar(tree, "domani-pieno", capacity=0, days_ahead=1)
    registrations.register(waiting_seminar, members[2])  # waiting list: no reminder

    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now) == 1
        assert send_due_reminders(now) == 0
    smtp.wait_for(1)
    [message] = smtp.received
    assert message[0] == members[0].email and "Promemoria" in message[1]["Subject"]
    assert "Seminario di domani" in message[1]["Subject"]


def test_reminder_task_is_scheduled_by_celery_beat(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="accounts.send_seminar_reminders")
    assert task.enabled and task.crontab.hour == "8-20" and str(task.crontab.timezone) == "Europe/Rome"


def test_attendees_csv_export_from_the_admin(client, seminar, members):
    from portal.accounts import registrations

    for user in members:
        registrations.register(seminar, user)
    members[0].profile.organisation = "SdS Pistoiese"
    members[0].profile.save()
    url = reverse("seminar_registrations:index") + f"?seminar={seminar.pk}&export=csv"

    client.force_login(make_member("redattrice@example.it", groups=("Redattore",)))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "iscrizioni-seminari.csv" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].split(",")[:3] == ["Seminario", "Data", "Nome"]
    assert len(lines) == 1 + 3
    assert any("SdS Pistoiese" in line and members[0].email in line for line in lines)
    assert sum("lista d'attesa" in line for line in lines) == 1

    client.force_login(make_member("moderatore@example.it", groups=("Moderatore",)))
    refused = client.get(url)  # the admin turns PermissionDenied into a redirect with a message
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    listing = client.get(reverse("seminar_registrations:index"))
    assert listing.status_code == 200
    client.force_login(members[1])
    assert client.get(url).status_code == 302  # no admin access at all


def test_seminar_page_offers_registration_and_hides_reserved_materials(client, tree, member):
    from tests.accounts.conftest import make_document

    slides = make_document("Slide del seminario", "slide.pdf")
    seminar = make_seminar(tree, "con-box", capacity=30, members_only_materials=True, documents=[slides],
                           title="Seminario con iscrizione")
    anonymous = client.get(seminar.url).content.decode()
    assert "Accedi per iscriverti" in anonymous
    assert slides.url not in anonymous and "riservati agli operatori" in anonymous

    client.force_login(member)
    page = client.get(seminar.url).content.decode()
    assert reverse("account_seminar_register", args=[seminar.pk]) in page and "Posti disponibili: 30 su 30." in page
    assert slides.url in page
    client.post(reverse("account_seminar_register", args=[seminar.pk]))
    assert "il posto è confermato" in client.get(seminar.url).content.decode()
