"""Questions and answers under a practice (issue 19 item 2, fast tier, locmem mail): a verified member
asks; the question waits for a moderator, who publishes it with its answer in the admin; moderators and
the zona's referent hear of it without learning the asker's address; published answers are read by
members only, never by a visitor, and never under a practice the reader may not see."""
from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.questions.conftest import ANSWER, ASKER, QUESTION, admin_save, ask, member_client
from tests import builders

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _pending_question(practice):
    from questions.models import PracticeQuestion

    asker = member_client()
    assert ask(asker, practice).status_code == 200
    return asker, PracticeQuestion.objects.get()


def test_a_member_asks_and_the_question_waits_unseen_while_moderators_and_the_referent_are_told(
        practice, people, django_capture_on_commit_callbacks):
    from questions.models import PracticeQuestion

    asker = member_client()
    page = _text(asker.get(practice.url))
    assert "Domande e risposte" in page and reverse("questions:ask", args=[practice.pk]) in page, "the form is under the practice"
    section = page.split('id="questions-h"')[1]
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', section), "the form under the practice carries its token"
    with django_capture_on_commit_callbacks(execute=True):
        answer = ask(asker, practice)
    assert answer.status_code == 200 and "La tua domanda è in attesa di moderazione" in answer.content.decode()
    question = PracticeQuestion.objects.get()
    assert question.status == "pending" and question.asked_by == asker.user and question.practice_id == practice.pk

    assert QUESTION[:40] not in _text(asker.get(practice.url)), "nothing shows before moderation"
    assert QUESTION[:40] not in _text(member_client("altra@sds.example.it").get(practice.url))

    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([people["moderator"].email, people["referent"].email]), "not the asker, not another zona's referent"
    for message in mail.outbox:
        assert QUESTION in message.body and practice.title in message.subject
        assert ASKER not in message.body and ASKER not in message.subject and ASKER not in str(message.reply_to)
        assert reverse("wagtailsnippets_questions_practicequestion:edit", args=[question.pk]) in message.body


def test_a_moderator_publishes_with_an_answer_members_read_it_visitors_do_not(
        practice, people, django_capture_on_commit_callbacks):
    asker, question = _pending_question(practice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        saved = admin_save(people["moderator"], question, answer=ANSWER, status="published")
    assert saved.status_code == 302, saved.content.decode()[:2000]
    question.refresh_from_db()
    assert question.status == "published" and question.answer == ANSWER
    assert question.moderated_by == people["moderator"] and question.moderated_at is not None
    assert question.answered_by == people["moderator"] and question.answered_at is not None

    (told,) = mail.outbox
    assert told.to == [ASKER] and ANSWER in told.body and QUESTION in told.body and "risposta" in told.subject

    for reader in (asker, member_client("altra.operatrice@sds.example.it")):
        page = _text(reader.get(practice.url))
        assert QUESTION[:40] in page and ANSWER[:40] in page
        assert ASKER not in page and "Anna Bianchi" not in page, "published without the asker's name or address"
    anonymous = Client().get(practice.url)
    assert anonymous.status_code == 200
    text = _text(anonymous)
    assert QUESTION[:20] not in text and ANSWER[:20] not in text
    assert "riservate agli operatori registrati" in text and reverse("account_login") in text
    unverified = _text(member_client("non.verificata@example.it", verified=False).get(practice.url))
    assert QUESTION[:20] not in unverified and ANSWER[:20] not in unverified


def test_publishing_needs_an_answer_and_a_rejected_question_stays_hidden(practice, people, django_capture_on_commit_callbacks):
    asker, question = _pending_question(practice)
    mail.outbox.clear()
    refused = admin_save(people["moderator"], question, status="published")
    assert refused.status_code == 200 and "Per pubblicare la domanda scrivi la risposta" in refused.content.decode()
    question.refresh_from_db()
    assert question.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_save(people["moderator"], question, status="rejected").status_code == 302
    question.refresh_from_db()
    assert question.status == "rejected" and mail.outbox == []
    assert QUESTION[:40] not in _text(asker.get(practice.url))


def test_the_rate_limit_is_a_clear_italian_429_that_keeps_the_text(practice):
    from questions.models import PracticeQuestion

    asker = member_client()
    assert ask(asker, practice).status_code == 200
    again = ask(asker, practice, "Un'altra domanda sulla stessa pratica, subito dopo.")
    assert again.status_code == 429
    text = _text(again)
    assert "riprova più tardi" in text and "Un'altra domanda sulla stessa pratica" in text
    assert PracticeQuestion.objects.count() == 1


def test_the_rate_limit_is_shared_with_the_relay_budget(practice, settings):
    """Five messages an hour to the people behind practices, whether relayed or asked here."""
    from questions import views
    from relay import limits

    asker = member_client()
    for n in range(limits.LIMITS[0][2]):
        limits.count(asker.user.pk, 1000 + n)
    assert ask(asker, practice).status_code == 429
    assert not limits.allowed(asker.user.pk, views.limit_key(practice))


def test_bad_or_unauthorised_requests_get_a_clear_answer(practice):
    url = reverse("questions:ask", args=[practice.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert Client().post(url, {"question": QUESTION}).status_code == 302
    unverified = member_client("non.verificata@example.it", verified=False)
    refused = unverified.post(url, {"question": QUESTION})
    assert refused.status_code == 403 and "indirizzo e-mail verificato" in refused.content.decode()
    asker = member_client()
    assert asker.get(reverse("questions:ask", args=[999999])).status_code == 404
    assert asker.get("/domande/99999999999999999999999/").status_code == 404  # beyond any id (portal.ids)
    assert asker.get("/domande/9223372036854775808/").status_code == 404  # 2**63: one beyond 64 bits
    empty = asker.post(url, {"question": ""})
    assert empty.status_code == 400 and "Questo campo è obbligatorio" in empty.content.decode()
    too_long = asker.post(url, {"question": "x" * 2001})
    assert too_long.status_code == 400
    from questions.models import PracticeQuestion

    assert PracticeQuestion.objects.count() == 0


@pytest.mark.parametrize("hidden", ["members_only", "password", "unpublished"])
def test_a_practice_the_asker_may_not_see_is_a_404(practice, hidden):
    from wagtail.models import PageViewRestriction

    asker = member_client()
    if hidden == "members_only":
        builders.restrict(practice, PageViewRestriction.LOGIN)
        asker = member_client("non.verificata@example.it", verified=False)  # a member would see it
    elif hidden == "password":
        builders.restrict(practice, PageViewRestriction.PASSWORD, password="segreta")
    else:
        practice.unpublish()
    assert asker.get(reverse("questions:ask", args=[practice.pk])).status_code == 404
    assert ask(asker, practice).status_code == 404


def test_published_answers_of_a_practice_the_reader_may_not_see_are_not_given(practice):
    """Every channel asks cms.visibility: the tag's query gives nothing for a practice hidden from the reader."""
    from wagtail.models import PageViewRestriction

    from questions import queries
    from questions.models import PracticeQuestion

    member = member_client()
    PracticeQuestion.objects.create(practice=practice, asked_by=member.user, question=QUESTION, answer=ANSWER, status="published")
    request = RequestFactory().get(practice.url)
    request.user = member.user
    request.session = {}
    assert [q.answer for q in queries.of_practice(practice, request)] == [ANSWER]
    builders.restrict(practice, PageViewRestriction.PASSWORD, password="segreta")
    assert queries.of_practice(practice, request) == []


def test_la_mia_area_lists_the_questions_with_their_status_and_the_download_holds_them(practice):
    import json

    from questions.models import PracticeQuestion

    asker = member_client()
    assert ask(asker, practice).status_code == 200
    PracticeQuestion.objects.create(practice=practice, asked_by=member_client("altra@sds.example.it").user,
                                    question="Domanda di un'altra persona, da non mostrare.")
    page = _text(asker.get(reverse("account_profile")))
    assert "Le mie domande sulle pratiche" in page and QUESTION[:40] in page
    assert "In attesa di moderazione" in page and practice.title in page
    assert "un'altra persona" not in page
    data = json.loads(asker.get(reverse("account_data_download")).content)
    assert [q["domanda"] for q in data["domande_sulle_pratiche"]] == [QUESTION]


def test_an_erased_account_takes_its_unpublished_questions_and_leaves_the_published_ones(practice):
    from portal.accounts.erasure import erase_account
    from questions.models import PracticeQuestion

    asker = member_client()
    PracticeQuestion.objects.create(practice=practice, asked_by=asker.user, question="In attesa.")
    kept = PracticeQuestion.objects.create(practice=practice, asked_by=asker.user, question=QUESTION, answer=ANSWER,
                                           status="published")
    erase_account(asker.user)
    assert list(PracticeQuestion.objects.all()) == [kept]
    kept.refresh_from_db()
    assert kept.asked_by is None
