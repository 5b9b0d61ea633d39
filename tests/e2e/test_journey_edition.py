"""Journey 6: an editor builds the bimonthly edition in the Wagtail admin, previews it and sends a
test; a moderator approves it and sends it. A real Celery worker sends it to the subscribers
through the SMTP sink while the admin page follows the progress; the one-click unsubscribe of
its List-Unsubscribe header works with no cookie."""
import datetime
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, login_as, screenshot, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EDITORIAL = "In questo numero la SIIL della Valdinievole e le nuove linee guida sulle équipe."


@pytest.fixture
def subscribers():
    from django.utils import timezone

    from newsletter.models import Subscriber

    return [
        Subscriber.objects.create(email=email, name=name, status=Subscriber.Status.ACTIVE, confirmed_at=timezone.now())
        for email, name in (("anna.rossi@comune.example", "Anna Rossi"), ("marco.neri@sds.example", "Marco Neri"))
    ]


def test_editor_builds_previews_and_tests_moderator_approves_and_sends(page, new_page, demo, smtp, make_user, subscribers,
                                                                      celery_worker):
    from cms.models import PracticePage
    from newsletter.models import Edition, Subscriber

    editor = make_user("elena.redattrice@cdp.example", roles=["Redattore"])
    moderator = make_user("mario.moderatore@cdp.example", roles=["Moderatore"])
    from django.utils import timezone

    from newsletter.periods import next_period

    # the admin creates the edition of the current period: the practice was published in it
    start, end = next_period(timezone.localdate(), None, ended_only=False)
    published = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    PracticePage.objects.filter(slug="siil-valdinievole").update(first_published_at=published, last_published_at=published)
    siil = PracticePage.objects.get(slug="siil-valdinievole")

    # --- the editor creates the edition for the window and collects its tagged content
    login_as(page, editor)
    page.goto("/admin/")
    page.get_by_role("button", name="Newsletter").click()
    page.get_by_role("link", name="Edizioni").click()
    expect(page).to_have_url(re.compile(r"/admin/newsletter/edition/$"))
    page.get_by_role("link", name=re.compile(r"^Aggiungi")).first.click()
    # the next edition is the period's: number, title and period come from create_next_edition
    expect(page.locator(".nice-padding")).to_contain_text("Si crea l'edizione")
    page.get_by_role("button", name="Crea l'edizione").click()
    expect(page.locator(".messages")).to_contain_text("Creata l'edizione")
    edition = Edition.objects.get()
    assert (edition.window_start, edition.window_end) == (start, end)
    assert edition.status == Edition.Status.DRAFT
    assert siil.pk in set(edition.items.values_list("page_id", flat=True)), "created with the period's content"

    # the editor writes the editorial on the edition's form
    editorial = page.locator('[data-contentpath="editorial"] [role="textbox"]')  # Draftail gives it no name
    editorial.click()
    page.keyboard.type(EDITORIAL)
    expect(editorial).to_contain_text(EDITORIAL)
    expect(page.locator("#id_editorial")).to_have_value(re.compile("In questo numero"))  # Draftail saves after a pause
    page.get_by_role("button", name="Salva").first.click()
    expect(page.locator(".messages")).to_be_visible()
    edition.refresh_from_db()
    assert EDITORIAL in edition.editorial

    page.goto(f"/admin/newsletter/edition/manage/{edition.pk}/")
    expect(page.get_by_role("heading", name="Gestisci e invia")).to_be_visible()
    page.get_by_role("button", name="Aggiungi i nuovi contenuti del periodo").click()
    expect(page.locator(".messages")).to_contain_text("contenuti aggiunti dal periodo")
    item_pages = list(edition.items.values_list("page_id", flat=True))
    assert siil.pk in item_pages
    screenshot(page, "admin-newsletter-gestione")
    # our part of the admin page (Wagtail's own chrome is Wagtail's business)
    assert check_a11y(page, "newsletter/admin/manage.html", within=".newsletter-manage") == []

    # preview: HTML in a new tab, the text version, and the two widths in the page
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="HTML in una nuova scheda").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("body")).to_contain_text(siil.title)
    expect(preview.locator("body")).to_contain_text(EDITORIAL)
    preview.close()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="versione solo testo").click()
    text_preview = opened.value
    text_preview.wait_for_load_state()
    assert siil.title in text_preview.locator("body").inner_text()
    text_preview.close()
    expect(page.frame_locator("iframe.newsletter-preview-mobile").locator("body")).to_contain_text(siil.title)
    # editors cannot approve
    expect(page.get_by_role("button", name="Approva")).to_have_count(0)

    # a test copy to the editor
    page.get_by_label("Indirizzi").fill(editor.email)
    page.get_by_role("button", name="Invia una copia di prova").click()
    expect(page.locator(".messages")).to_contain_text("Copia di prova inviata a 1")
    smtp.wait_for(1)
    [(recipient, proof)] = smtp.received
    assert recipient == editor.email
    assert proof["Subject"].startswith("[PROVA]")
    assert siil.title in text_of(proof)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT and edition.sent_count == 0

    # --- the moderator approves and sends
    moderation = new_page()
    login_as(moderation, moderator)
    moderation.goto(f"/admin/newsletter/edition/manage/{edition.pk}/")
    moderation.get_by_role("button", name="Approva").click()
    expect(moderation.locator(".messages")).to_contain_text("Edizione approvata.")
    moderation.get_by_role("link", name="Invia ora").click()
    # before anything leaves: the recipients per segment, and a button that confirms
    expect(moderation.locator("table tfoot")).to_contain_text(str(len(subscribers)))
    moderation.get_by_role("button", name=re.compile(r"^Conferma: invia a")).click()
    expect(moderation.locator(".messages")).to_contain_text("Invio avviato.")
    # the worker sends; the page follows by itself (no reload by the moderator)
    expect(moderation.locator('[data-progress-field="status_label"]')).to_have_text("inviata", timeout=60_000)
    expect(moderation.locator('[data-progress-field="sent"]')).to_have_text(str(len(subscribers)))
    expect(moderation.locator('[data-progress-field="failed"]')).to_have_text("0")
    smtp.wait_for(1 + len(subscribers))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT, edition.get_status_display()
    assert edition.sent_count == len(subscribers)

    mails = {recipient: message for recipient, message in smtp.received[1:]}
    assert sorted(mails) == sorted(s.email for s in subscribers)
    mail = mails[subscribers[0].email]
    assert mail["Subject"] == edition.title or edition.title in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = urlsplit(re.search(r"<(https?://[^>]+)>", mail["List-Unsubscribe"]).group(1))
    # the worker writes links on its PUBLIC_BASE_URL; the path is what the live server answers
    assert one_click.path.startswith("/newsletter/disiscrizione/")
    one_click = page.base_url + one_click.path

    # --- RFC 8058: the mail client POSTs with no cookie, no session, no CSRF token
    mail_client = new_page().context  # a fresh context: no cookie at all
    assert mail_client.cookies() == []
    response = mail_client.request.post(one_click, form={"List-Unsubscribe": "One-Click"}, max_redirects=0)
    assert response.status == 200, response.status
    assert Subscriber.objects.get(pk=subscribers[0].pk).status == Subscriber.Status.UNSUBSCRIBED
    assert Subscriber.objects.get(pk=subscribers[1].pk).status == Subscriber.Status.ACTIVE

    # --- the public archive shows the sent edition (web version)
    page.goto("/newsletter/archivio/")
    assert check_a11y(page, "newsletter/archive.html") == []
    page.get_by_role("link", name=edition.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(edition.title)
    expect(page.locator("main")).to_contain_text(siil.title)
    assert check_a11y(page, "newsletter/archive_detail.html") == []
    screenshot(page, "newsletter-archivio-edizione")
