"""A practitioner on a phone asks the people behind a practice a question (issue 19, item 2): the form
is under the practice, accessible (axe) in its empty, error and sent states, keeps what was typed, tells
the asker that the question awaits moderation; a visitor sees only the invitation to log in."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, login_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_member_asks_a_question_from_the_practice_page(mobile_page, make_user):
    from questions.models import PracticeQuestion
    from tests import builders

    practice = builders.practice("Équipe unica sociale-lavoro", "Percorsi integrati.",
                                zona_obj=builders.zona("val-di-nievole", "Val di Nievole"))
    page = mobile_page
    page.goto(practice.url)
    section = page.locator("section", has=page.get_by_role("heading", name="Domande e risposte"))
    expect(section.get_by_role("link", name=re.compile("Accedi per leggerle"))).to_be_visible()
    expect(section.get_by_label(re.compile("La tua domanda"))).to_have_count(0)

    login_as(page, make_user("operatrice.domande@sds.example.it", roles=("Operatore",)))
    page.goto(practice.url)
    question = page.get_by_label(re.compile("La tua domanda"))
    expect(question).to_be_visible()
    assert check_a11y(page, "cms/practice_page.html (domande, operatore)") == []

    question.fill("Breve")  # too short: the error page keeps the text
    page.get_by_role("button", name="Invia la domanda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fai una domanda su una pratica")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert check_a11y(page, "questions/ask.html (errore)") == []
    expect(page.get_by_label(re.compile("La tua domanda"))).to_have_value("Breve")

    page.get_by_label(re.compile("La tua domanda")).fill("Ogni quanto si riunisce l'équipe multidisciplinare?")
    page.get_by_role("button", name="Invia la domanda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Domanda ricevuta")
    expect(page.locator("main .alert-info")).to_contain_text("La tua domanda è in attesa di moderazione")
    assert check_a11y(page, "questions/asked.html") == []
    assert PracticeQuestion.objects.get().status == "pending"
