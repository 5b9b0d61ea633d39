"""The questions in the Wagtail admin: moderators see every question and the waiting ones on their home
panel; a Referente di Zona answers the questions of their own zona's practices only, and publication
stays with the moderators (as for the practices themselves)."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.questions.conftest import ANSWER, QUESTION, admin_save, member_client, with_zona
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(practice, people):
    """A waiting question on the referent's zona's practice and one on another zona's practice."""
    from questions.models import PracticeQuestion

    asker = member_client().user
    elsewhere = builders.practice("Sportello di prossimità", "Un altro territorio.",
                                 zona_obj=people["other_referent"].profile.zona)
    return {
        "own": PracticeQuestion.objects.create(practice=practice, asked_by=asker, question=QUESTION),
        "other": PracticeQuestion.objects.create(practice=elsewhere, asked_by=asker, question="Domanda su un altro territorio."),
    }


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_moderators_see_every_waiting_question_on_their_home_panel_and_in_the_menu(people, questions):
    moderator = _client(people["moderator"])
    home = moderator.get("/admin/").content.decode()
    assert "Domande da moderare" in home and "Domande sulle pratiche" in home
    assert "Domanda su un altro territorio." in home and "Équipe unica sociale-lavoro" in home
    listing = moderator.get(reverse("wagtailsnippets_questions_practicequestion:list")).content.decode()
    assert "Équipe unica sociale-lavoro" in listing and "Sportello di prossimità" in listing


def test_a_referent_answers_their_zona_questions_but_does_not_publish(people, questions):
    referent = _client(people["referent"])
    listing = referent.get(reverse("wagtailsnippets_questions_practicequestion:list"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Équipe unica sociale-lavoro" in text and "Sportello di prossimità" not in text
    home = referent.get("/admin/").content.decode()
    assert "Domande da moderare" in home and "Domanda su un altro territorio." not in home

    other_url = reverse("wagtailsnippets_questions_practicequestion:edit", args=[questions["other"].pk])
    assert referent.get(other_url).status_code in (302, 403)
    assert admin_save(people["referent"], questions["other"], answer="Non è la mia zona.").status_code in (302, 403)
    questions["other"].refresh_from_db()
    assert questions["other"].answer == ""

    own = questions["own"]
    saved = admin_save(people["referent"], own, answer=ANSWER, status="published")  # the status is read-only for them
    assert saved.status_code == 302, saved.content.decode()[:2000]
    own.refresh_from_db()
    assert own.answer == ANSWER and own.answered_by == people["referent"] and own.status == "pending"
    assert own.moderated_by is None


def test_operators_and_referents_without_a_zona_reach_nothing(people, questions):
    from cms.models import Zona

    operator = _client(member_client("semplice.operatrice@sds.example.it").user)
    assert operator.get(reverse("wagtailsnippets_questions_practicequestion:list")).status_code in (302, 403)
    nowhere = member_client("referente.senza.zona@sds.example.it", groups=("Referente di Zona",)).user
    with_zona(nowhere, None)
    listing = _client(nowhere).get(reverse("wagtailsnippets_questions_practicequestion:list")).content.decode()
    assert "Équipe unica sociale-lavoro" not in listing and Zona.objects.exists()


def test_the_roles_migration_grants_moderators_and_administrators():
    from django.contrib.auth.models import Group

    def codenames(group):
        return set(Group.objects.get(name=group).permissions.filter(content_type__app_label="questions")
                   .values_list("codename", flat=True))

    assert codenames("Moderatore") == {"change_practicequestion", "view_practicequestion"}
    assert codenames("Referente di Zona") == {"change_practicequestion", "view_practicequestion"}
    assert codenames("Amministratore") == {f"{a}_practicequestion" for a in ("add", "change", "delete", "view")}
    assert codenames("Operatore") == set()


def test_a_referent_opens_no_view_of_another_zonas_question_by_its_address(people, questions):
    """Every admin view of one question (edit, delete, history, usage, ...) is refused for another zona's
    question and open for their own: the views are read from the snippet's URLs, so a view Wagtail adds
    later is checked too."""
    from django.urls import NoReverseMatch

    namespace = "wagtailsnippets_questions_practicequestion"
    views = []
    for pattern_name in ("edit", "delete", "history", "history_results", "usage", "usage_results", "inspect",
                         "copy", "revisions_index"):
        try:
            views.append((pattern_name, reverse(f"{namespace}:{pattern_name}", args=[questions["other"].pk]),
                          reverse(f"{namespace}:{pattern_name}", args=[questions["own"].pk])))
        except NoReverseMatch:
            continue
    assert {"edit", "delete", "history", "usage"} <= {name for name, *_ in views}, views
    referent = _client(people["referent"])
    opened = {name: referent.get(other).status_code for name, other, _own in views}
    assert all(status in (302, 403, 404) for status in opened.values()), opened
    own = {name: referent.get(mine).status_code for name, _other, mine in views}
    assert own["history"] == 200 and own["edit"] == 200, own
    assert "Domanda su un altro territorio." not in referent.get(views[0][1]).content.decode()
