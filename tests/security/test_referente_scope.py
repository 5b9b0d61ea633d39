"""A Referente di Zona reads, in the admin, only what belongs to their zona (issue #14, item 9).

Two practices are proposed from the front end and wait in moderation: one of zona A, one of
zona B, each by its own member with an attachment. The Referente of zona A then requests every
admin view and API that lists pages, workflows, history or documents: nothing of zona B's
proposal (its title, its submitter's name, its attachment's title or file name) may appear,
while zona A's proposal still does. Editors and moderators keep seeing both. Finally the
Referente can add a practice under the practices index but not edit the index itself.
"""
from __future__ import annotations

from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts.conftest import make_member
from tests.security.conftest import report, site_tree

pytestmark = pytest.mark.django_db


def _propose(zona, topic, *, title: str, first: str, last: str, attachment: str, filename: str):
    """A member's proposal made through the submission service (as the front end does), in moderation."""
    from portal.accounts.models import PracticeSubmission
    from portal.accounts.practices.service import add_attachment, submit

    member = make_member(f"{filename.split('.')[0]}@comune.example.it")
    member.first_name, member.last_name = first, last
    member.save(update_fields=["first_name", "last_name"])
    data = {
        "practice": {"title": title, "zona": zona.pk, "owner_body": "Società della Salute", "summary": "Sintesi.",
                     "period_start": "2024-01-10", "period_end": "", "topics": [topic.pk]},
        "people": {"target_groups": "Persone fragili.", "objectives": "Obiettivi.", "partner_kinds": ["sds"], "partners": ""},
        "method": {"activities": "Attività.", "core_team": "Équipe", "extended_team": "", "tools": "", "data_protection": "",
                   "funding_sources": [], "funding_note": ""},
        "results": {"results": "Risultati.", "evaluation_level": "promettente", "criteria_met": [], "lessons_learned": ""},
        "contact": {"service": "", "email": "", "phone": "", "address": "", "url": ""},
    }
    submission = PracticeSubmission.objects.create(user=member, data=data)
    pdf = SimpleUploadedFile(filename, b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", content_type="application/pdf")
    add_attachment(submission, pdf, filename, attachment)
    page = submit(submission)
    document = [block.value["document"] for block in page.get_latest_revision_as_object().attachments][0]
    return {"page": page, "member": member, "document": document,
            "markers": (title, f"{first} {last}", last, attachment, filename.rsplit(".", 1)[0])}


@pytest.fixture
def scene(db):
    from cms.models import Topic, Zona
    from portal.accounts.practices.forms import STEPS

    assert [slug for slug, _t, _f in STEPS] == ["practice", "people", "method", "results", "contact"]
    tree = site_tree()
    zona_a, zona_b = Zona.objects.order_by("name")[:2]
    topic = Topic.objects.order_by("name").first()
    own = _propose(zona_a, topic, title="Sportello Alfa della zona propria", first="Ilaria", last="Propriazonetti",
                   attachment="Relazione Alfa sullo sportello", filename="alfa-relazione.pdf")
    other = _propose(zona_b, topic, title="Progetto Beta riservato a un'altra zona", first="Ottavia", last="Altrazonucci",
                     attachment="Verbale Beta di un'altra zona", filename="beta-verbale.pdf")
    referente = make_member("referente.alfa@sds.example.it", groups=("Referente di Zona",))
    referente.profile.zona = zona_a
    referente.profile.save()
    return {"tree": tree, "own": own, "other": other, "referente": referente,
            "redattore": make_member("redattore.scope@regione.example.it", groups=("Redattore",)),
            "moderatore": make_member("moderatore.scope@regione.example.it", groups=("Moderatore",))}


def _reading_urls(scene) -> list[str]:
    """Every admin view and API that lists or shows pages, workflows, history and documents."""
    index = scene["tree"].practices.pk
    other = scene["other"]["page"]
    word = "Beta"
    urls = [
        "/admin/",
        "/admin/reports/workflow/", "/admin/reports/workflow/results/",
        "/admin/reports/workflow_tasks/", "/admin/reports/workflow_tasks/results/",
        "/admin/reports/site-history/", "/admin/reports/site-history/results/",
        "/admin/reports/aging-pages/", "/admin/reports/locked/",
        "/admin/api/main/pages/", f"/admin/api/main/pages/?child_of={index}&for_explorer=1",
        f"/admin/api/main/pages/?descendant_of={index}", f"/admin/api/main/pages/?search={word}",
        f"/admin/api/main/pages/{other.pk}/",
        f"/admin/pages/{index}/", f"/admin/pages/{index}/?q={word}", f"/admin/pages/search/?q={word}",
        "/admin/buone_pratiche/", f"/admin/buone_pratiche/?q={word}",
        "/admin/documents/", f"/admin/documents/?q={word}",
        "/admin/documents/chooser/", f"/admin/documents/chooser/results/?q={word}",
        "/admin/choose-page/", f"/admin/choose-page/{index}/", f"/admin/choose-page/search/?q={word}",
        f"/admin/pages/{other.pk}/history/", f"/admin/pages/{other.pk}/history/results/",
        f"/admin/pages/{other.pk}/workflow_history/", f"/admin/pages/{other.pk}/view_draft/",
        f"/admin/pages/{other.pk}/edit/", f"/admin/pages/{other.pk}/usage/",
        f"/admin/documents/edit/{scene['other']['document'].pk}/", f"/admin/documents/usage/{scene['other']['document'].pk}/",
    ]
    state = other.current_workflow_state
    urls += [f"/admin/pages/workflow/preview/{other.pk}/{state.current_task_state.task_id}/",
             f"/admin/pages/{other.pk}/workflow_history/detail/{state.pk}/",
             f"/admin/pages/{other.pk}/revisions/{other.latest_revision_id}/view/"]
    return urls


def _read_everything(client, urls) -> dict[str, str]:
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[url] = body.decode("utf-8", "replace") if response.status_code == 200 else ""
    return bodies


def _shows(body: str, marker: str) -> bool:
    return marker in body or escape(marker) in body or escape(marker).replace("&#x27;", "\\u0027") in body


def _leaks(bodies: dict[str, str], markers) -> list[tuple[str, str]]:
    return [(url, marker) for url, body in bodies.items() for marker in markers if _shows(body, marker)]


def test_a_referente_reads_nothing_of_another_zonas_proposals(scene):
    urls = _reading_urls(scene)
    client = Client(raise_request_exception=False)
    client.force_login(scene["referente"])
    bodies = _read_everything(client, urls)
    leaks = _leaks(bodies, scene["other"]["markers"])
    own_seen = {marker: [u for u, b in bodies.items() if _shows(b, marker)] for marker in scene["own"]["markers"][:1]}
    report("Referente di Zona: what of another zona reaches the admin", urls=len(urls),
           open_for_referente=sum(1 for b in bodies.values() if b), leaks=len(leaks),
           leaking=leaks or 0)
    assert not leaks, leaks
    title = scene["own"]["markers"][0]
    for url in ("/admin/reports/workflow/", "/admin/reports/site-history/", "/admin/api/main/pages/"):
        assert url in own_seen[title], f"the Referente's own zona is missing from {url}"
    chooser = client.get(f"/admin/documents/chooser/results/?q=Alfa").content.decode()
    assert _shows(chooser, scene["own"]["markers"][3]), "the attachments of their own zona stay choosable"


@pytest.mark.parametrize("role", ["redattore", "moderatore"])
def test_editors_and_moderators_still_read_every_zona(scene, role):
    client = Client(raise_request_exception=False)
    client.force_login(scene[role])
    for url in ("/admin/reports/workflow/", "/admin/reports/site-history/"):
        body = client.get(url).content.decode()
        for proposal in ("own", "other"):
            assert _shows(body, scene[proposal]["markers"][0]), (role, url, proposal)
    api = client.get("/admin/api/main/pages/", {"descendant_of": scene["tree"].practices.pk}).json()
    titles = {item["title"] for item in api["items"]}
    assert {scene["own"]["page"].title, scene["other"]["page"].title} <= titles
    if role == "redattore":
        chooser = client.get("/admin/documents/chooser/results/", {"q": "Beta"}).content.decode()
        assert _shows(chooser, scene["other"]["markers"][3])


def test_a_referente_adds_practices_but_cannot_edit_the_practices_index(scene):
    index = scene["tree"].practices
    client = Client(raise_request_exception=False)
    client.force_login(scene["referente"])
    assert client.get(f"/admin/pages/add/cms/practicepage/{index.pk}/").status_code == 200
    response = client.get(f"/admin/pages/{index.pk}/edit/")
    assert response.status_code in (302, 403) and (response.status_code == 403 or "/edit/" not in response["Location"])
    assert not index.permissions_for_user(scene["referente"]).can_edit()
    assert index.permissions_for_user(scene["redattore"]).can_edit()
    own = scene["own"]["page"]
    assert own.permissions_for_user(scene["referente"]).can_edit()
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
