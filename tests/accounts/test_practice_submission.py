"""A practitioner proposes a good practice from the front end; a moderator reviews it in Wagtail."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.conftest import make_member

pytestmark = pytest.mark.django_db

TITLE = "Sportello unico sociale-lavoro della Valdinievole"


def step_url(submission_pk, number):
    return reverse("account_practice_step", args=[submission_pk, number])


def step_data(zona, topics):
    return {
        1: {"title": TITLE, "zona": zona.pk, "owner_body": "Società della Salute della Valdinievole",
            "summary": "Un'équipe unica di servizi sociali e centri per l'impiego per le persone fragili.",
            "period_start": "2023-09-01", "period_end": "", "topics": [t.pk for t in topics]},
        2: {"target_groups": "Beneficiari ADI e persone seguite dai servizi sociali.",
            "objectives": "Ridurre i passaggi tra servizi.\n\nUn solo progetto condiviso.",
            "partner_kinds": ["sds", "cpi"], "partners": "SdS Valdinievole\nCPI di Pescia"},
        3: {"activities": "Valutazione multidimensionale <b>congiunta</b> e patto unico.", "core_team": "Assistente sociale\nOperatore CPI",
            "extended_team": "", "tools": "Scheda unica di segnalazione", "data_protection": "Accordo di contitolarità.",
            "funding_sources": ["fondo_poverta"], "funding_note": ""},
        4: {"results": "120 persone prese in carico nel primo anno.", "evaluation_level": "promettente",
            "criteria_met": ["trasferibilita"], "lessons_learned": "Serve una regia unica."},
        5: {"service": "Ufficio di piano SdS Valdinievole", "email": "ufficiodipiano@sds.example.it", "phone": "",
            "address": "", "url": ""},
    }


@pytest.fixture
def taxonomy(db):
    from cms.models import Topic, Zona

    return Zona.objects.get(slug__contains="valdinievole") if Zona.objects.filter(slug__contains="valdinievole").exists() \
        else Zona.objects.order_by("name").first(), list(Topic.objects.order_by("name")[:2])


@pytest.fixture
def moderator(db):
    return make_member("moderatrice@regione.example.it", groups=("Moderatore",))


def _pdf(name="relazione.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", content_type="application/pdf")


def _fill_all_steps(client, zona, topics):
    from portal.accounts.models import PracticeSubmission

    data = step_data(zona, topics)
    response = client.post(reverse("account_practice_new"), {**data[1], "action": "next"})
    assert response.status_code == 302
    submission = PracticeSubmission.objects.latest("pk")
    assert response["Location"] == step_url(submission.pk, 2)
    for number in (2, 3, 4):
        response = client.post(step_url(submission.pk, number), {**data[number], "action": "next"})
        assert response.status_code == 302, response.content.decode()[:2000]
    upload = client.post(step_url(submission.pk, 5), {**data[5], "action": "upload", "file": _pdf(),
                                                       "description": "Relazione di valutazione 2024"})
    assert upload.status_code == 302
    response = client.post(step_url(submission.pk, 5), {**data[5], "action": "next"})
    assert response["Location"] == step_url(submission.pk, 6)
    return submission


def test_submit_review_approve_publish(client, tree, member, moderator, taxonomy, smtp, django_capture_on_commit_callbacks, settings):
    from wagtail.models import WorkflowState

    from cms.models import PracticePage
    from portal.accounts.models import PracticeSubmission

    zona, topics = taxonomy
    client.force_login(member)
    submission = _fill_all_steps(client, zona, topics)
    review = client.get(step_url(submission.pk, 6)).content.decode()
    assert TITLE in review and "Relazione di valutazione 2024" in review and "Fondo Povertà" in review

    assert client.post(step_url(submission.pk, 6), {}).status_code == 400  # the confirmation is required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(submission.pk, 6), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("account_profile")

    submission.refresh_from_db()
    page = PracticePage.objects.get(pk=submission.page_id)
    assert submission.status == "in_review"
    assert not page.live and page.get_parent().pk == tree.practices.pk
    assert page.owner == member and page.zona == zona
    draft = page.get_latest_revision_as_object()
    assert draft.title == TITLE and draft.evaluation_level == "promettente"
    assert draft.funding_sources == ["fondo_poverta"] and set(draft.topics.all()) == set(topics)
    assert "&lt;b&gt;congiunta&lt;/b&gt;" in draft.activities, "typed HTML is escaped, not rendered"
    assert draft.contacts.first().service == "Ufficio di piano SdS Valdinievole"
    [document] = [block.value["document"] for block in draft.attachments]
    assert document.collection.name == "Buone pratiche in revisione"
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.workflow.name == "Revisione buone pratiche"

    smtp.wait_for(2)
    assert "Abbiamo ricevuto" in smtp.messages_to(member.email)[0]["Subject"]
    assert smtp.messages_to(moderator.email), "moderators are notified by the workflow task"

    # not public yet: neither the page nor its attachment
    client.logout()
    assert client.get(f"/buone-pratiche/{page.slug}/").status_code == 404
    assert client.get(document.url).status_code in (302, 403, 404)  # no live page uses it yet
    profile_client = client
    profile_client.force_login(member)
    profile = profile_client.get(reverse("account_profile")).content.decode()
    assert TITLE in profile and "In revisione" in profile

    # the moderator approves in the Wagtail admin
    smtp.reset()
    client.force_login(moderator)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200 and TITLE in dashboard.content.decode(), "the moderator's review queue"
    action = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.current_task_state.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"comment": ""})
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{page.pk}/edit/"
    page.refresh_from_db()
    submission.refresh_from_db()
    assert page.live and submission.status == "published"
    smtp.wait_for(1)
    published_mail = smtp.messages_to(member.email)[0]
    assert "pubblicata" in published_mail["Subject"] and page.full_url in published_mail.get_content()

    client.logout()
    public = client.get(page.url)
    assert public.status_code == 200 and TITLE in public.content.decode()
    document.refresh_from_db()
    assert document.collection.name == "Buone pratiche"
    assert client.get(document.url).status_code == 200
    # The database backend here; the same journey on Elasticsearch is tests/e2e/test_journey_practice.py.
    settings.ELASTICSEARCH_URLS = []
    results = client.get("/cerca/", {"q": "sportello Valdinievole"}).content.decode()
    assert f'href="{page.url}"' in results, "the public search finds the approved practice"
    assert PracticeSubmission.objects.get(pk=submission.pk).status == "published"


def test_changes_requested_then_resubmitted(client, tree, member, moderator, taxonomy, smtp, django_capture_on_commit_callbacks):
    from cms.models import PracticePage

    zona, topics = taxonomy
    client.force_login(member)
    submission = _fill_all_steps(client, zona, topics)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_url(submission.pk, 6), {"confirm": "on"})
    page = PracticePage.objects.get(pk=PracticePage.objects.latest("pk").pk)
    task_state = page.current_workflow_state.current_task_state

    smtp.reset()
    client.force_login(moderator)
    action = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"comment": "Indicate i costi del personale."})
    submission.refresh_from_db()
    assert submission.status == "changes_requested"
    smtp.wait_for(1)
    mail = smtp.messages_to(member.email)[0]
    assert "Modifiche richieste" in mail["Subject"] and "Indicate i costi del personale." in mail.get_content()

    client.force_login(member)
    data = step_data(zona, topics)[3]
    data["funding_note"] = "Costo del personale: 2 operatori a tempo pieno."
    assert client.post(step_url(submission.pk, 3), {**data, "action": "next"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(step_url(submission.pk, 6), {"confirm": "on"}).status_code == 302
    submission.refresh_from_db()
    page.refresh_from_db()
    assert submission.status == "in_review"
    assert page.current_workflow_state.status == "in_progress"
    assert page.get_latest_revision_as_object().funding_note.startswith("Costo del personale")
    assert PracticePage.objects.filter(title=TITLE).count() == 1, "the same page, a new revision"


def test_drafts_are_saved_even_when_incomplete(client, tree, member, taxonomy):
    from portal.accounts.models import PracticeSubmission

    client.force_login(member)
    response = client.post(reverse("account_practice_new"), {"title": "Bozza a metà", "action": "save"})
    assert response.status_code == 302
    submission = PracticeSubmission.objects.get(user=member)
    assert submission.status == "draft" and submission.title == "Bozza a metà"
    page = client.get(step_url(submission.pk, 1)).content.decode()
    assert 'value="Bozza a metà"' in page
    profile = client.get(reverse("account_profile")).content.decode()
    assert "Bozza a metà" in profile and "Continua" in profile
    invalid = client.post(step_url(submission.pk, 1), {"title": "Bozza a metà", "action": "next"})
    assert invalid.status_code == 400 and "Questo campo è obbligatorio." in invalid.content.decode()
    # submitting an incomplete draft sends the member back to the missing step
    response = client.post(step_url(submission.pk, 6), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == step_url(submission.pk, 1)
    assert client.post(reverse("account_practice_discard", args=[submission.pk])).status_code == 302
    assert not PracticeSubmission.objects.filter(pk=submission.pk).exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    """A zip with a fixed timestamp: its bytes, and so the test ids, must not change between the
    processes that collect them (xdist refuses a run whose workers disagree)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


ATTACHMENT_CASES = [
    ("relazione.pdf", b"%PDF-1.4 ok", True, ""),
    ("finta.pdf", b"<html>not a pdf</html>", False, "non corrisponde a un file .pdf valido"),
    ("programma.exe", b"MZ\x90\x00", False, "Tipo di file non ammesso (exe)"),
    ("scheda.docx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), True, ""),
    ("tabella.xlsx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), False, "non corrisponde"),
    ("testo.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"}), True, ""),
    ("foto.jpg", b"\xff\xd8\xff\xe0JFIF", True, ""),
    ("foto.png", b"\xff\xd8\xff\xe0JFIF", False, "non corrisponde a un file .png valido"),
    ("vuoto.pdf", b"", False, "vuoto"),
]


@pytest.mark.parametrize(
    ("name", "content", "accepted", "message"), ATTACHMENT_CASES, ids=[case[0] for case in ATTACHMENT_CASES]
)
def test_attachment_checks(client, tree, member, name, content, accepted, message):
    from portal.accounts.models import PracticeSubmission

    client.force_login(member)
    client.post(reverse("account_practice_new"), {"title": "Con allegati", "action": "save"})
    submission = PracticeSubmission.objects.get(user=member)
    response = client.post(step_url(submission.pk, 5), {"action": "upload", "file": SimpleUploadedFile(name, content)})
    if accepted:
        assert response.status_code == 302
        assert submission.attachments.get().original_name == name
    else:
        assert response.status_code == 400
        assert message in response.content.decode().replace("&#x27;", "'")
        assert not submission.attachments.exists()


def test_attachment_size_cap_and_count(client, tree, member, settings):
    from portal.accounts.models import PracticeSubmission

    settings.PRACTICE_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(member)
    client.post(reverse("account_practice_new"), {"title": "Limiti", "action": "save"})
    submission = PracticeSubmission.objects.get(user=member)
    big = SimpleUploadedFile("grande.pdf", b"%PDF-" + b"0" * 2000)
    response = client.post(step_url(submission.pk, 5), {"action": "upload", "file": big})
    assert response.status_code == 400 and "troppo grande" in response.content.decode()
    for n in range(5):
        assert client.post(step_url(submission.pk, 5), {"action": "upload", "file": _pdf(f"f{n}.pdf")}).status_code == 302
    response = client.post(step_url(submission.pk, 5), {"action": "upload", "file": _pdf("sesto.pdf")})
    assert response.status_code == 400 and "al massimo 5 file" in response.content.decode()


def test_private_uploads_are_not_under_media(tree, member, settings, client):
    from pathlib import Path

    from portal.accounts.models import PracticeSubmission

    client.force_login(member)
    client.post(reverse("account_practice_new"), {"title": "Privata", "action": "save"})
    submission = PracticeSubmission.objects.get(user=member)
    client.post(step_url(submission.pk, 5), {"action": "upload", "file": _pdf()})
    path = Path(submission.attachments.get().file.path)
    assert Path(settings.MEDIA_ROOT) not in path.parents and path.exists()


def test_access_rules(client, tree, member, unverified_member):
    from portal.accounts.models import PracticeSubmission

    response = client.get(reverse("account_practice_new"))
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    client.force_login(unverified_member)
    response = client.get(reverse("account_practice_new"))
    assert response.status_code == 403 and "Verifica il tuo indirizzo email" in response.content.decode()

    client.force_login(member)
    assert client.get(reverse("account_practice_new")).status_code == 200
    client.post(reverse("account_practice_new"), {"title": "Mia", "action": "save"})
    mine = PracticeSubmission.objects.get(user=member)
    client.force_login(make_member("altra@example.it"))
    assert client.get(step_url(mine.pk, 1)).status_code == 404
    assert client.post(reverse("account_practice_discard", args=[mine.pk])).status_code == 404
