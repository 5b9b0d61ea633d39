"""The evaluation of a practice carries its evidence (issue #19, item 3), as the EU Best Practice Portal
publishes it: per criterion met, the justification; who evaluated and when. The moderator's edit in the
admin records who and when; a "buona pratica" must justify every criterion it claims, in Italian; the
practices evaluated before the evidence existed stay valid; the page names the evaluator, never their
e-mail."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html
from wagtail.test.utils.form_data import inline_formset

from cms.models import EvaluationLevel, PracticeCriterionEvidence, PracticePage
from cms.permissions import ensure_page_permissions
from tests import builders
from tests.cms.test_admin_practice_form import _practice_data
from tests.cms.test_permissions import make_user

pytestmark = pytest.mark.django_db

SPREAD = "Adottata dal Mugello nel 2024 con la stessa équipe minima e la stessa scheda di segnalazione."
LASTING = "Finanziata dal Fondo Povertà fino al 2027 e inserita nel piano di zona."


@pytest.fixture
def roles(site_tree):
    ensure_page_permissions()
    return site_tree


def _evaluated(parent, evidence, *, by=None, on=None, **fields):
    """A published practice (tests.builders) with these {criterion: justification} rows."""
    page = builders.practice(parent=parent, publish=False, **fields)
    page.criteria_evidence = [PracticeCriterionEvidence(criterion=c, justification=t) for c, t in evidence.items()]
    page.evaluated_by, page.evaluated_at = by, on
    page.save_revision().publish()
    return PracticePage.objects.get(pk=page.pk)


def _evaluation(client, page) -> lxml_html.HtmlElement:
    tree = lxml_html.fromstring(client.get(page.url).content.decode())
    return tree.xpath('//section[@aria-labelledby="eval-h"]')[0]


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _edit(client, page, *, level, criteria, evidence=None, initial=0, **extra):
    rows = {"criteria_evidence": inline_formset(evidence, initial=initial)} if evidence is not None else {}
    data = _practice_data(page.title, page.zona, page.owner_body, page.summary, evaluation_level=level, **rows, **extra)
    data["criteria_met"] = list(criteria)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_the_page_shows_each_criterion_with_its_justification_and_who_evaluated_when(client, site_tree):
    moderator = make_user("moderatrice_eval", "Moderatore", first_name="Maria", last_name="Rossi")
    page = _evaluated(site_tree["buone-pratiche"], {"trasferibilita": SPREAD, "sostenibilita": LASTING},
                      by=moderator, on=datetime.date(2025, 3, 12), evaluation_level=EvaluationLevel.BUONA_PRATICA,
                      criteria_met=["trasferibilita", "sostenibilita", "partecipazione"])
    section = _evaluation(client, page)
    pairs = {_text(dt): _text(dt.getnext()) for dt in section.xpath('.//dl[contains(@class, "practice-evidence")]/dt')}
    assert pairs == {"Trasferibilità": SPREAD, "Sostenibilità": LASTING, "Partecipazione": "motivazione non indicata"}
    said = _text(section)
    assert "Valutata da Maria Rossi il 12 marzo 2025" in said
    assert moderator.email not in client.get(page.url).content.decode(), "never the evaluator's e-mail"


def test_an_evaluator_without_a_name_is_the_redazione_and_an_old_evaluation_reads_as_before(client, site_tree):
    nameless = make_user("moderatore_senza_nome", "Moderatore")
    page = _evaluated(site_tree["buone-pratiche"], {"partecipazione": "Co-progettata con le associazioni."},
                      by=nameless, on=datetime.date(2025, 4, 1), evaluation_level=EvaluationLevel.PROMETTENTE,
                      criteria_met=["partecipazione"])
    assert "Valutata da la redazione il 1 aprile 2025" in _text(_evaluation(client, page))
    old = builders.practice(parent=site_tree["buone-pratiche"], evaluation_level=EvaluationLevel.PROMETTENTE,
                     criteria_met=["trasferibilita", "partecipazione"])
    said = _text(_evaluation(client, old))
    assert said == "Valutazione Pratica promettente – criteri soddisfatti: trasferibilità, partecipazione"


def test_the_moderators_edit_records_who_evaluated_and_today(roles, client):
    page = builders.practice(parent=roles["buone-pratiche"], evaluation_level=EvaluationLevel.DA_VALUTARE)
    moderator = make_user("moderatrice_edit", "Moderatore", first_name="Giulia", last_name="Bianchi")
    client.force_login(moderator)
    response = _edit(client, page, level=EvaluationLevel.BUONA_PRATICA, criteria=["trasferibilita"],
                     evidence=[{"criterion": "trasferibilita", "justification": SPREAD}], **{"action-publish": "1"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = PracticePage.objects.get(pk=page.pk)
    assert page.evaluated_by == moderator and page.evaluated_at == timezone.localdate()
    assert [(e.criterion, e.justification) for e in page.criteria_evidence.all()] == [("trasferibilita", SPREAD)]
    assert f"Valutata da Giulia Bianchi il {timezone.localdate().day}" in _text(_evaluation(client, page))

    # a date written by the moderator (an evaluation made at a meeting, entered later) is kept
    response = _edit(client, page, level=EvaluationLevel.BUONA_PRATICA, criteria=["trasferibilita"],
                     evidence=[{"id": page.criteria_evidence.get().pk, "criterion": "trasferibilita",
                                "justification": SPREAD + " Confermato."}], initial=1,
                     evaluated_at="2025-02-20", **{"action-publish": "1"})
    assert response.status_code == 302
    page = PracticePage.objects.get(pk=page.pk)
    assert page.evaluated_at == datetime.date(2025, 2, 20) and page.criteria_evidence.get().justification.endswith("Confermato.")


def test_an_edit_that_leaves_the_evaluation_alone_keeps_who_and_when_and_the_evidence(roles, client):
    earlier = make_user("moderatore_prima", "Moderatore", first_name="Paolo", last_name="Verdi")
    page = _evaluated(roles["buone-pratiche"], {"trasferibilita": SPREAD}, by=earlier, on=datetime.date(2024, 11, 5),
                      evaluation_level=EvaluationLevel.BUONA_PRATICA, criteria_met=["trasferibilita"])
    client.force_login(make_user("redattrice_testo", "Redattore"))
    # a form posted without the justifications' rows (a script, an older form) leaves them as they are
    response = _edit(client, page, level=EvaluationLevel.BUONA_PRATICA, criteria=["trasferibilita"],
                     evaluated_at="2024-11-05", target_groups="Famiglie con minori", **{"action-publish": "1"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = PracticePage.objects.get(pk=page.pk)
    assert (page.evaluated_by, page.evaluated_at) == (earlier, datetime.date(2024, 11, 5))
    assert page.target_groups == "Famiglie con minori" and page.criteria_evidence.get().justification == SPREAD


def test_a_referente_proposes_criteria_but_is_never_the_evaluator(roles, client):
    mugello = builders.zona("mugello")
    page = builders.practice(parent=roles["buone-pratiche"], zona_obj=mugello, evaluation_level=EvaluationLevel.DA_VALUTARE)
    client.force_login(make_user("ref_mugello_eval", "Referente di Zona", mugello))
    response = _edit(client, page, level=EvaluationLevel.DA_VALUTARE, criteria=["partecipazione"],
                     evidence=[{"criterion": "partecipazione", "justification": "Co-progettata con le associazioni."}])
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    draft = PracticePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.criteria_met == ["partecipazione"] and draft.evaluated_by is None and draft.evaluated_at is None


@pytest.mark.parametrize("criteria, evidence, field, message", [
    (["trasferibilita", "sostenibilita"], [{"criterion": "trasferibilita", "justification": SPREAD}], "criteria_met",
     "Una buona pratica motiva ogni criterio soddisfatto: manca la motivazione di «sostenibilità»"),
    (["trasferibilita"], [{"criterion": "trasferibilita", "justification": SPREAD},
                          {"criterion": "innovativita", "justification": "Prima in Toscana."}], "criteria_met",
     "Hai scritto la motivazione di «innovatività» ma non l'hai spuntato tra i criteri soddisfatti"),
    (["trasferibilita"], [{"criterion": "trasferibilita", "justification": SPREAD},
                          {"criterion": "trasferibilita", "justification": "Di nuovo."}], None,
     "Il criterio «trasferibilità» ha due motivazioni: scrivine una sola."),
])
def test_an_evaluation_without_its_evidence_is_refused_in_italian(roles, client, criteria, evidence, field, message):
    page = builders.practice(parent=roles["buone-pratiche"], evaluation_level=EvaluationLevel.DA_VALUTARE)
    client.force_login(make_user("moderatrice_errori", "Moderatore"))
    response = _edit(client, page, level=EvaluationLevel.BUONA_PRATICA, criteria=criteria, evidence=evidence,
                     **{"action-publish": "1"})
    assert response.status_code == 200
    form = response.context["form"]
    said = " ".join(form.errors.get(field or "__all__", []))
    assert message in said, form.errors
    page = PracticePage.objects.get(pk=page.pk)
    assert page.evaluation_level == EvaluationLevel.DA_VALUTARE and page.evaluated_by is None


def test_a_promising_practice_may_list_criteria_without_justification(roles, client):
    page = builders.practice(parent=roles["buone-pratiche"], evaluation_level=EvaluationLevel.DA_VALUTARE)
    client.force_login(make_user("moderatrice_promettente", "Moderatore"))
    response = _edit(client, page, level=EvaluationLevel.PROMETTENTE, criteria=["misurabilita"], evidence=[],
                     **{"action-publish": "1"})
    assert response.status_code == 302
    page = PracticePage.objects.get(pk=page.pk)
    assert page.criteria_met == ["misurabilita"] and page.evaluated_at == timezone.localdate()


def test_two_justifications_swapping_their_criteria_is_no_error_page(roles, client):
    page = _evaluated(roles["buone-pratiche"], {"trasferibilita": SPREAD, "sostenibilita": LASTING},
                      evaluation_level=EvaluationLevel.BUONA_PRATICA, criteria_met=["trasferibilita", "sostenibilita"])
    first, second = page.criteria_evidence.all()
    client.force_login(make_user("moderatrice_scambio", "Moderatore"))
    response = _edit(client, page, level=EvaluationLevel.BUONA_PRATICA, criteria=["trasferibilita", "sostenibilita"],
                     evidence=[{"id": first.pk, "criterion": second.criterion, "justification": second.justification},
                               {"id": second.pk, "criterion": first.criterion, "justification": first.justification}],
                     initial=2, **{"action-publish": "1"})
    assert response.status_code == 302
    assert {e.criterion: e.justification for e in PracticePage.objects.get(pk=page.pk).criteria_evidence.all()} == {
        "trasferibilita": SPREAD, "sostenibilita": LASTING}
