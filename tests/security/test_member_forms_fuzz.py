"""Fuzzing of the member forms: good-practice proposal steps and seminar registration.

Same checks as test_forms_fuzz.py (below 500, Italian errors, nothing half-saved), for a
logged-in member with a verified address.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from tests.security.conftest import report
from tests.security.test_forms_fuzz import COMMON, Tally, _counts, as_browser, emailish, ids, junk, tick  # noqa: F401
from tests.security.test_forms_fuzz import _no_rate_limits, taxonomies  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_practice_submission_steps_and_seminar_registration(client, taxonomies):
    from wagtail.models import Page, Revision, WorkflowState

    from portal.accounts.models import PracticeSubmission, Registration, SubmissionAttachment
    from tests.accounts.conftest import make_member, make_seminar
    from tests.security.conftest import site_tree

    zona, topic = taxonomies
    tree = site_tree()
    seminar = make_seminar(tree, "seminario-fuzz", capacity=5)
    member = make_member("proponente@comune.example.it")
    client.force_login(member)
    tables = (Page, Revision, WorkflowState, PracticeSubmission, SubmissionAttachment, Registration)
    steps, registrations = Tally("proposta"), Tally("iscrizione seminario")
    draft = PracticeSubmission.objects.create(user=member, data={})

    step_fields = st.fixed_dictionaries({}, optional={
        "title": junk, "zona": st.one_of(ids, st.just(str(zona.pk))), "owner_body": junk, "summary": junk,
        "period_start": st.one_of(junk, st.dates().map(str)), "period_end": st.one_of(junk, st.dates().map(str)),
        "topics": st.lists(ids, max_size=3), "objectives": junk, "activities": junk,
        "partner_kinds": st.lists(junk, max_size=3), "funding_sources": st.lists(junk, max_size=3),
        "evaluation_level": junk, "criteria_met": st.lists(junk, max_size=3), "service": junk, "email": emailish,
        "url": junk, "confirm": tick, "action": st.sampled_from(["next", "back", "save", "upload", "", "submit", "x"]),
    })

    @settings(max_examples=250, **COMMON)
    @given(number=st.integers(min_value=-3, max_value=12), fields=step_fields, new=st.booleans())
    def step_case(number, fields, new):
        path = "/account/buone-pratiche/nuova/" if new else f"/account/buone-pratiche/{draft.pk}/passo/{max(number, 0)}/"
        before = _counts(*tables)
        response = client.post(path, as_browser(fields))
        # By design every step saves what was typed into the member's draft (resumable later):
        # a refused step may create or update the draft row, nothing else.
        steps.check(response, before, _counts(*tables), may_change=("accounts.PracticeSubmission",))
        after = _counts(*tables)
        assert after["wagtailcore.Page"] == before["wagtailcore.Page"], "no page from a step"
        assert after["wagtailcore.WorkflowState"] == before["wagtailcore.WorkflowState"]

    @settings(max_examples=120, **COMMON)
    @given(page_id=st.one_of(st.integers(min_value=0, max_value=2**62), st.just(seminar.pk), st.just(tree.home.pk)),
           extra=st.dictionaries(junk, junk, max_size=3), action=st.sampled_from(["iscrizione", "annulla"]))
    def registration_case(page_id, extra, action):
        before = _counts(*tables)
        response = client.post(f"/account/seminari/{page_id}/{action}/", as_browser(extra))
        registrations.check(response, before, _counts(*tables))
        assert Registration.objects.filter(seminar=seminar, user=member).count() <= 1
        if response.status_code == 302:
            assert response["Location"] in (seminar.url, "/account/profilo/"), "no redirect chosen by the visitor"

    step_case()
    registration_case()
    report(
        "Member forms fuzzing: practice proposal steps and seminar registration",
        inputs_tried=steps.cases + registrations.cases,
        proposal_steps=f"{steps.cases} cases, {steps.refused} refused, {steps.statuses}",
        seminar_registration=f"{registrations.cases} cases, {registrations.refused} refused, {registrations.statuses}",
        pages_created_by_steps=0,
        half_saved=0,
    )
