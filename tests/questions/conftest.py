"""Fixtures of the questions tests: a practice in Val di Nievole, its people, clean rate-limit counters."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import make_member
from tests import builders

ASKER = "operatrice.domande@sds-mugello.example.it"
QUESTION = "Ogni quanto si riunisce l'équipe multidisciplinare e chi redige il verbale?"
ANSWER = "Ogni due settimane; il verbale lo redige l'assistente sociale referente del caso."


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The relay's rate limits count in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def practice(db):
    origin = builders.zona("val-di-nievole", "Val di Nievole")
    return builders.practice("Équipe unica sociale-lavoro", "Percorsi integrati per sociale e lavoro.", zona_obj=origin)


def member_client(email=ASKER, **kwargs):
    client = Client(raise_request_exception=False)
    user = make_member(email, **kwargs)
    client.force_login(user)
    client.user = user
    return client


def with_zona(user, zona):
    from portal.accounts.models import Profile

    profile = Profile.for_user(user)
    profile.zona = zona
    profile.save()
    return user


@pytest.fixture
def people(practice):
    """A moderator, the practice zona's referent and another zona's referent (who must hear nothing)."""
    from cms.models import Zona

    other = Zona.objects.exclude(pk=practice.zona_id).order_by("name").first()
    return {
        "moderator": make_member("moderatrice.domande@regione.example.it", groups=("Moderatore",)),
        "referent": with_zona(make_member("referente.valdinievole@sds.example.it", groups=("Referente di Zona",)), practice.zona),
        "other_referent": with_zona(make_member("referente.altrove@sds.example.it", groups=("Referente di Zona",)), other),
    }


def ask(client, practice, text=QUESTION):
    return client.post(reverse("questions:ask", args=[practice.pk]), {"question": text})


def admin_save(user, question, **data):
    """Post the admin's edit form of a question as ``user``; returns the response."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    form = {"question": question.question, "answer": question.answer, "status": question.status, **data}
    return client.post(reverse("wagtailsnippets_questions_practicequestion:edit", args=[question.pk]), form)
