"""A practitioner on a phone records that their zona adopted a practice (issue 19, item 3): the
form is reachable from the practice, accessible (axe) in its empty, error and sent states, and
keeps what was typed when a field is missing."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, login_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_member_records_an_adoption_from_the_practice_page(mobile_page, make_user):
    from adoptions.models import Adoption
    from tests import builders

    practice = builders.practice("Sportello unico sociale e lavoro", "Un punto di accesso.",
                                zona_obj=builders.zona("val-di-nievole", "Val di Nievole"))
    page = mobile_page
    login_as(page, make_user("operatrice.mugello@sds.example.it", roles=("Operatore",)))
    page.goto(practice.url)
    page.get_by_role("link", name=re.compile("La tua zona l'ha adottata")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Segnala un'adozione")
    assert check_a11y(page, "adoptions/record.html") == []

    page.get_by_label(re.compile("che cosa è cambiato", re.I)).fill("Aperto due giorni a settimana nei comuni montani.")
    page.get_by_role("button", name="Invia la segnalazione").click()  # no zona, no date: the errors
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert check_a11y(page, "adoptions/record.html (errore)") == []
    expect(page.get_by_label(re.compile("che cosa è cambiato", re.I))).to_have_value("Aperto due giorni a settimana nei comuni montani.")

    page.get_by_label(re.compile("zona che l'ha adottata", re.I)).select_option(label="Mugello")
    page.get_by_label(re.compile("da quando", re.I)).fill("2025-03-01")
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Segnalazione ricevuta")
    assert check_a11y(page, "adoptions/recorded.html") == []
    adoption = Adoption.objects.get()
    assert (adoption.zona.name, adoption.status, str(adoption.since)) == ("Mugello", "pending", "2025-03-01")
