"""Journey 3: subscribing to the newsletter, confirming through the link in the mail the SMTP
sink received, changing preferences, and unsubscribing in one click."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, links_in, screenshot, tick

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMAIL = "lucia.bianchi@sds-valdinievole.example"


def test_subscribe_confirm_from_the_mail_change_preferences_and_unsubscribe(page, smtp):
    from cms.models import Topic, Zona
    from newsletter.models import ConsentRecord, Subscriber

    page.goto("/")
    page.locator("footer").get_by_role("link", name="Iscriviti").click()
    expect(page).to_have_url(re.compile(r"/newsletter/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter bimestrale")
    assert check_a11y(page, "newsletter/landing.html") == []
    screenshot(page, "newsletter-iscrizione")

    # a missing consent is explained next to the field, in Italian
    page.get_by_label("Indirizzo email").fill(EMAIL)
    page.get_by_role("button", name="Iscriviti").click()
    expect(page.get_by_text("Per iscriverti devi accettare l'informativa.")).to_be_visible()
    assert Subscriber.objects.count() == 0
    assert check_a11y(page, "newsletter/landing.html (errori)") == []

    page.get_by_label("Indirizzo email").fill(EMAIL)
    page.get_by_label("Nome (facoltativo)").fill("Lucia")
    tick(page.get_by_label("Ho letto l'informativa"))
    page.get_by_role("button", name="Iscriviti").click()
    expect(page).to_have_url(re.compile(r"/newsletter/iscrizione/inviata/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Controlla la posta")
    assert check_a11y(page, "newsletter/subscribed.html") == []
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    smtp.wait_for(1)
    [(recipient, mail)] = smtp.received
    assert recipient == EMAIL
    [confirm_url] = links_in(mail, "/newsletter/conferma/")
    assert confirm_url.startswith(page.base_url)

    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Conferma l'iscrizione")
    assert check_a11y(page, "newsletter/confirm.html") == []
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING, "opening the link alone confirms nothing"
    page.get_by_role("button", name="Conferma l'iscrizione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Iscrizione confermata")
    assert check_a11y(page, "newsletter/confirmed.html") == []
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.confirmed_at is not None
    smtp.wait_for(2)
    welcome = smtp.received[1][1]
    assert "Benvenut" in str(welcome["Subject"]) and links_in(welcome, "/cancellazione/")

    page.get_by_role("link", name="Scegli temi e zone di interesse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preferenze della newsletter")
    assert check_a11y(page, "newsletter/preferences.html") == []
    screenshot(page, "newsletter-preferenze")
    topic = Topic.objects.get(slug="equipe-multidisciplinari")
    zona = Zona.objects.get(slug="val-di-nievole")
    tick(page.get_by_role("group", name="Aree tematiche di interesse").get_by_label(topic.name))
    tick(page.get_by_role("group", name="Zone distretto di interesse").get_by_label(zona.name, exact=True))
    page.get_by_role("button", name="Salva le preferenze").click()
    expect(page.get_by_role("status").filter(has_text="Preferenze salvate.")).to_be_visible()
    subscriber.refresh_from_db()
    assert list(subscriber.topics.all()) == [topic]
    assert list(subscriber.zones.all()) == [zona]
    # the form shows what was saved
    expect(page.get_by_role("group", name="Aree tematiche di interesse").get_by_label(topic.name)).to_be_checked()

    # the data download asks for a link mailed to the address (a forwarded newsletter cannot download)
    page.get_by_role("link", name="Scarica i tuoi dati").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scarica i tuoi dati")
    assert check_a11y(page, "newsletter/data_request.html") == []
    page.get_by_role("button", name="Inviami il collegamento").click()
    expect(page.get_by_role("status").filter(has_text="Ti abbiamo inviato un collegamento")).to_be_visible()
    smtp.wait_for(3)
    assert links_in(smtp.received[2][1], "/newsletter/dati/")
    page.get_by_role("link", name="Torna alle preferenze").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preferenze della newsletter")

    page.get_by_role("link", name="Disiscriviti dalla newsletter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disiscrizione dalla newsletter")
    assert check_a11y(page, "newsletter/unsubscribe.html") == []
    page.get_by_role("button", name="Conferma la disiscrizione").click()  # the one click
    expect(page.get_by_role("heading", level=1)).to_have_text("Disiscrizione completata")
    assert check_a11y(page, "newsletter/unsubscribed.html") == []
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert ConsentRecord.objects.filter(subscriber=subscriber).count() >= 2  # subscribed, unsubscribed
    assert len(smtp.received) == 3, "after the confirmation only the welcome mail and the requested data link"
