"""Journey 1: a practitioner opens the home page, browses good practices by zona and topic,
opens one and downloads its attachment."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_browse_practices_by_zona_and_topic_and_download_the_attachment(page, demo):
    from cms.models import PracticePage

    siil = PracticePage.objects.get(slug="siil-valdinievole")
    document = siil.attachments[0].value["document"]
    with document.file.open("rb") as handle:
        expected_bytes = handle.read()

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Buone pratiche").click()
    expect(page).to_have_url(re.compile(r"/buone-pratiche/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Buone pratiche")
    cards = page.locator(".content-card")
    everything = cards.count()
    assert everything >= 2, "the demo has the SIIL of the Valdinievole and the SdS Pistoiese"

    page.get_by_label("Zona distretto").select_option(label="Val di Nievole")
    page.get_by_label("Area tematica").select_option(value="equipe-multidisciplinari")
    page.get_by_role("button", name="Applica i filtri").click()
    expect(page).to_have_url(re.compile(r"zona=val-di-nievole"))
    expect(page).to_have_url(re.compile(r"topic=equipe-multidisciplinari"))
    titles = cards.locator(".card-title").all_inner_texts()
    assert titles == [siil.title], titles
    # the filters stay selected on the filtered page
    expect(page.get_by_label("Zona distretto")).to_have_value("val-di-nievole")
    expect(page.get_by_label("Area tematica")).to_have_value("equipe-multidisciplinari")
    assert check_a11y(page, "cms/index_page.html (buone pratiche per zona e area)") == []
    screenshot(page, "buone-pratiche-filtrate")

    page.get_by_role("link", name=siil.title).click()
    expect(page).to_have_url(re.compile(r"/buone-pratiche/siil-valdinievole/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(siil.title)
    attachments = page.get_by_role("region", name="Allegati")
    link = attachments.get_by_role("link", name="Sintesi del protocollo")
    expect(link).to_be_visible()
    assert check_a11y(page, "cms/practice_page.html") == []

    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == document.filename
    assert download.failure() is None
    with open(download.path(), "rb") as handle:
        assert handle.read() == expected_bytes
    expect(page.get_by_role("heading", level=1)).to_have_text(siil.title)  # still on the practice
