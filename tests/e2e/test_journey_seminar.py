"""Journey 7: a member registers to a seminar and downloads the .ics; a second member lands on the
waiting list, and gets the seat when the first one cancels."""
import datetime

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, login_as, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def seminar(demo):
    """The demo's upcoming seminar, opened to online registration with one seat."""
    from cms.models import SeminarPage

    page = SeminarPage.objects.get(slug="incontro-annuale-della-comunita")
    page.capacity = 1
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.is_upcoming
    return page


def _event(ics: bytes):
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    return event


def _same_instant(value, expected: datetime.datetime) -> bool:
    return value.dt == expected if isinstance(value.dt, datetime.datetime) and value.dt.tzinfo else False


def test_member_registers_and_downloads_the_ics_second_member_waits_then_gets_the_seat(
        page, new_page, seminar, make_user, smtp):
    from portal.accounts.models import Registration, RegistrationStatus

    anna = make_user("anna.operatrice@sds-pistoiese.example", roles=["Operatore"])
    bruno = make_user("bruno.operatore@comune-prato.example", roles=["Operatore"])

    # --- the first member takes the only seat
    login_as(page, anna)
    page.goto(seminar.url)
    registration_box = page.get_by_role("region", name="Iscrizione")
    expect(registration_box).to_contain_text("Posti disponibili: 1 su 1.")
    registration_box.get_by_role("button", name="Iscriviti").click()
    expect(page.get_by_text("Iscrizione confermata. Ti abbiamo inviato una email")).to_be_visible()
    expect(registration_box).to_contain_text("Sei iscritto: il posto è confermato.")
    assert check_a11y(page, "cms/seminar_page.html (iscritto)") == []
    screenshot(page, "seminario-iscritto")

    with page.expect_download() as started:
        page.get_by_role("link", name="Aggiungi al calendario (.ics)").click()
    download = started.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), "rb") as handle:
        event = _event(handle.read())
    assert str(event["SUMMARY"]) == seminar.title
    assert _same_instant(event["DTSTART"], seminar.start), event["DTSTART"].to_ical()

    smtp.wait_for(1)
    [confirmation] = smtp.messages_to(anna.email)
    assert "Iscrizione confermata" in confirmation["Subject"]
    [attached] = [part for part in confirmation.iter_attachments() if part.get_content_type() == "text/calendar"]
    mailed = _event(attached.get_payload(decode=True))
    assert str(mailed["SUMMARY"]) == seminar.title and _same_instant(mailed["DTSTART"], seminar.start)

    # --- the second member finds it full and joins the waiting list
    second = new_page()
    login_as(second, bruno)
    second.goto(seminar.url)
    box = second.get_by_role("region", name="Iscrizione")
    expect(box).to_contain_text("Posti disponibili: 0 su 1.")
    box.get_by_role("button", name="Iscriviti alla lista d'attesa").click()
    expect(second.get_by_text("I posti sono esauriti: sei in lista d'attesa.")).to_be_visible()
    expect(box).to_contain_text("Sei in lista d'attesa.")
    assert Registration.objects.get(user=bruno, seminar=seminar).status == RegistrationStatus.WAITING
    smtp.wait_for(2)
    [waiting] = smtp.messages_to(bruno.email)
    assert "lista d'attesa" in waiting["Subject"]
    assert not [p for p in waiting.iter_attachments() if p.get_content_type() == "text/calendar"]

    # --- the first member cancels: the waiting list moves up by itself
    page.reload()
    page.get_by_role("region", name="Iscrizione").get_by_role("button", name="Annulla l'iscrizione").click()
    expect(page.get_by_text("La tua iscrizione è stata annullata.")).to_be_visible()
    second.reload()
    expect(second.get_by_role("region", name="Iscrizione")).to_contain_text("Sei iscritto: il posto è confermato.")
    assert Registration.objects.get(user=bruno, seminar=seminar).status == RegistrationStatus.CONFIRMED
    smtp.wait_for(4)  # anna: cancelled; bruno: promoted, with the .ics
    promoted = smtp.messages_to(bruno.email)[-1]
    assert "Si è liberato un posto" in promoted["Subject"]
    assert [p for p in promoted.iter_attachments() if p.get_content_type() == "text/calendar"]
