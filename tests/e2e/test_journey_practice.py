"""Journeys 4 and 5: a practitioner signs up, verifies the email through the captured mail, logs
in and proposes a good practice with an attachment; a moderator approves a proposal in the
Wagtail admin, and the practice appears on its zona page and in the search (Elasticsearch)."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, check_a11y, links_in, login_as, screenshot, text_of, tick, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
services = pytest.mark.services

EMAIL = "giulia.verdi@sds-pratese.example"
TITLE = "Sportello unico per l'abitare della zona pratese"
PDF_WORD = "Relazione di valutazione dello sportello: 84 nuclei accompagnati (zanzibarite)"


def _steps_to_review(page, zona, topic, attachment_path):
    """Fill the five steps of the proposal form as a person would."""
    # 1. La pratica
    expect(page.get_by_role("group", name="La pratica")).to_be_visible()
    page.get_by_label("Titolo della pratica").fill(TITLE)
    page.get_by_label("Zona distretto").select_option(label=zona.name)
    page.get_by_label("Ente titolare").fill("Società della Salute Area Pratese")
    page.get_by_label("Sommario").fill("Uno sportello unico che accompagna le famiglie in emergenza abitativa.")
    page.get_by_label("Inizio").fill("2024-02-01")
    tick(page.get_by_role("group", name="La pratica").get_by_label(topic.name))
    assert check_a11y(page, "accounts/practices/step.html") == []
    page.get_by_role("button", name="Salva e continua").click()
    # 2. Destinatari e partner
    expect(page.get_by_role("group", name="Destinatari e partner")).to_be_visible()
    page.get_by_label("Obiettivi").fill("Evitare gli sfratti e costruire percorsi di autonomia abitativa.")
    page.get_by_role("button", name="Salva e continua").click()
    # 3. Metodo ed équipe
    expect(page.get_by_role("group", name="Metodo ed équipe")).to_be_visible()
    page.get_by_label("Attività e metodo").fill("Colloqui congiunti di servizio sociale e ufficio casa, patto abitativo.")
    page.get_by_role("button", name="Salva e continua").click()
    # 4. Risultati
    expect(page.get_by_role("group", name="Risultati")).to_be_visible()
    page.get_by_role("button", name="Salva e continua").click()
    # 5. Contatti e allegati
    expect(page.get_by_role("group", name="Contatti e allegati")).to_be_visible()
    page.get_by_label("Servizio da contattare").fill("Ufficio di piano della SdS Area Pratese")
    page.get_by_label("File").set_input_files(attachment_path)
    page.get_by_label("Descrizione").fill("Relazione di valutazione 2024")
    page.get_by_role("button", name="Carica l'allegato").click()
    expect(page.get_by_text("Allegato caricato.")).to_be_visible()
    expect(page.get_by_role("group", name="Allegati", exact=True)).to_contain_text("relazione-sportello.pdf")
    page.get_by_role("button", name="Salva e continua").click()


def test_sign_up_verify_log_in_and_propose_a_practice_with_an_attachment(page, new_page, demo, smtp, tmp_path):
    from cms.models import Topic, Zona
    from portal.accounts.models import PracticeSubmission

    zona = Zona.objects.get(slug="pratese")
    topic = Topic.objects.get(slug="abitare")
    attachment = tmp_path / "relazione-sportello.pdf"
    attachment.write_bytes(tiny_pdf(PDF_WORD))

    # --- sign up
    page.goto("/")
    page.get_by_role("link", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert check_a11y(page, "account/login.html") == []
    page.get_by_role("link", name=re.compile("Registrati")).first.click()
    expect(page).to_have_url(re.compile(r"/account/signup/"))
    assert check_a11y(page, "account/signup.html") == []
    screenshot(page, "registrazione")
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Nome")).fill("Giulia")
    page.get_by_label(re.compile(r"^Cognome")).fill("Verdi")
    page.get_by_label(re.compile(r"^Password \*?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(nuovamente\)")).fill(PASSWORD)
    tick(page.get_by_label(re.compile("Ho letto l'informativa")))
    page.get_by_role("button", name="Registrazione").click()
    expect(page).to_have_url(re.compile(r"/account/confirm-email/"))
    assert check_a11y(page, "account/verification_sent.html") == []

    # --- verify the address from the mail (opened in another browser window, as a mail app does)
    smtp.wait_for(1)
    [(recipient, mail)] = smtp.received
    assert recipient == EMAIL
    [verify_url] = links_in(mail, "/account/confirm-email/")
    mail_app = new_page()
    mail_app.goto(verify_url)
    assert check_a11y(mail_app, "account/email_confirm.html") == []
    mail_app.get_by_role("button", name="Conferma").click()
    expect(mail_app.get_by_role("heading", level=1)).to_be_visible()

    # --- log in
    page.goto("/account/login/")
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="Il mio profilo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Il mio profilo")
    expect(page.locator("main")).to_contain_text("Giulia Verdi")
    assert check_a11y(page, "accounts/profile.html") == []
    screenshot(page, "profilo")

    # --- propose a good practice
    page.get_by_role("link", name="Proponi una buona pratica").click()
    _steps_to_review(page, zona, topic, attachment)
    expect(page.get_by_role("heading", name="Riepilogo e invio")).to_be_visible()
    expect(page.locator("main")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("relazione-sportello.pdf")
    assert check_a11y(page, "accounts/practices/review.html") == []
    tick(page.get_by_label(re.compile("Confermo che le informazioni sono corrette")))
    page.get_by_role("button", name="Invia alla redazione").click()

    submission = PracticeSubmission.objects.get(user__email=EMAIL)
    expect(page.get_by_role("region", name="Le mie buone pratiche")).to_contain_text(TITLE)
    expect(page.get_by_role("region", name="Le mie buone pratiche")).to_contain_text(submission.get_status_display().capitalize())
    assert submission.status == "in_review"
    practice = submission.page.specific
    assert not practice.live
    assert practice.current_workflow_state is not None
    latest = practice.get_latest_revision_as_object()
    assert latest.title == TITLE and latest.zona == zona
    [block] = latest.attachments
    with block.value["document"].file.open("rb") as handle:
        assert handle.read() == attachment.read_bytes()
    # not public yet
    anonymous = new_page()
    assert anonymous.goto(f"/zone/{zona.slug}/").ok
    expect(anonymous.locator("main")).not_to_contain_text(TITLE)


PROPOSAL_TITLE = "Sportello unico per l'abitare della zona pratese"


@pytest.fixture
def proposal(demo, make_user):
    """A member's proposal already submitted to moderation (as journey 4 leaves it), made through the service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms.models import Topic, Zona
    from portal.accounts.models import PracticeSubmission
    from portal.accounts.practices import service

    member = make_user("giulia.verdi@sds-pratese.example", roles=["Operatore"])
    zona = Zona.objects.get(slug="pratese")
    data = {
        "practice": {"title": PROPOSAL_TITLE, "zona": str(zona.pk), "owner_body": "Società della Salute Area Pratese",
                     "summary": "Uno sportello unico che accompagna le famiglie in emergenza abitativa.",
                     "period_start": "2024-02-01", "period_end": "",
                     "topics": [str(Topic.objects.get(slug="abitare").pk)]},
        "people": {"target_groups": "", "objectives": "Evitare gli sfratti e costruire percorsi di autonomia.",
                   "partner_kinds": [], "partners": ""},
        "method": {"activities": "Colloqui congiunti di servizio sociale e ufficio casa, patto abitativo.",
                   "core_team": "", "extended_team": "", "tools": "", "data_protection": "",
                   "funding_sources": [], "funding_note": ""},
        "results": {"results": "", "evaluation_level": "emergente", "criteria_met": [], "lessons_learned": ""},
        "contact": {"service": "Ufficio di piano della SdS Area Pratese", "address": "", "email": "", "phone": "", "url": ""},
    }
    submission = PracticeSubmission.objects.create(user=member, data=data)
    upload = SimpleUploadedFile("relazione-sportello.pdf", tiny_pdf(PDF_WORD), content_type="application/pdf")
    service.add_attachment(submission, upload, "relazione-sportello.pdf", "Relazione di valutazione 2024")
    page = service.submit(submission)
    submission.refresh_from_db()
    assert submission.status == "in_review" and not page.live
    return submission


@services
def test_moderator_approves_in_the_admin_then_zona_page_and_search_show_it(page, new_page, proposal, make_user,
                                                                           search_index, smtp):
    from cms.models import PracticePage

    search_index.rebuild()
    moderator = make_user("mario.moderatore@regione.example", roles=["Moderatore"])
    practice = PracticePage.objects.get(pk=proposal.page_id)
    visitor = new_page()

    # nothing public before the approval (pages sharing some of its words may be listed)
    visitor.goto(f"/cerca/?q={PROPOSAL_TITLE}")
    assert PROPOSAL_TITLE not in [t.strip() for t in visitor.locator(".search-hit .card-title").all_inner_texts()]

    login_as(page, moderator)
    page.goto("/admin/")
    expect(page.locator("main")).to_contain_text(PROPOSAL_TITLE)  # the dashboard's review queue
    screenshot(page, "admin-dashboard-moderatore")
    page.get_by_role("link", name=PROPOSAL_TITLE).first.click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{practice.pk}/edit/"))
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="Approva e Pubblica", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(PROPOSAL_TITLE)

    practice.refresh_from_db()
    assert practice.live
    proposal.refresh_from_db()
    assert proposal.status == "published"

    # the zona page lists it, and it opens with its attachment for anyone
    visitor.goto("/zone/pratese/")
    visitor.get_by_role("link", name=PROPOSAL_TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(PROPOSAL_TITLE)
    link = visitor.get_by_role("region", name="Allegati").get_by_role("link", name="Relazione di valutazione 2024")
    href = link.get_attribute("href")
    with visitor.expect_response(lambda r: r.url.endswith(href)) as served:
        link.click()  # Chromium shows a PDF in its own viewer
    assert served.value.ok and served.value.headers["content-type"] == "application/pdf"
    assert visitor.context.request.get(href).body() == tiny_pdf(PDF_WORD)

    # the search finds it (publish -> outbox -> index), by its title and by the text of its PDF
    search_index.refresh()
    visitor.goto("/cerca/")
    visitor.get_by_label("Parole da cercare").fill("sportello abitare pratese")
    visitor.locator("#search-form").get_by_role("button", name="Cerca").click()
    expect(visitor.locator(".search-fallback-notice")).to_have_count(0)
    expect(visitor.locator(".search-results")).to_contain_text(PROPOSAL_TITLE)
    visitor.goto("/cerca/?q=zanzibarite")
    expect(visitor.locator(".search-results")).to_contain_text(PROPOSAL_TITLE)

    # the member hears about it
    smtp.wait_for(1)
    assert any(PROPOSAL_TITLE in (m["Subject"] or "") + text_of(m) for m in smtp.messages_to(proposal.user.email))
