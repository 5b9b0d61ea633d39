"""An editor fills a practice in the Wagtail admin: the zona chooser finds "Lunigiana" and the
norms picker (wagtail-autocomplete) offers "DGR 544/2023" as they type the number (issue #18, items 1 and 2)."""
import datetime
import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_as, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_finds_a_zona_by_name_and_a_norm_by_number(page, make_user):
    from cms.models import Zona
    from tests import builders
    from tests.security.conftest import site_tree

    tree = site_tree()
    first = builders.norm("Linee guida integrazione sociale e lavoro", "544", datetime.date(2023, 5, 15))
    builders.norm("Piano sociale integrato regionale", "73", datetime.date(2024, 1, 29))
    editor = make_user("redattrice.e2e@regione.example.it", roles=("Redattore",))
    login_as(page, editor)
    page.goto(f"/admin/pages/add/cms/practicepage/{tree.practices.pk}/")

    page.locator("#id_zona-chooser [data-chooser-action-choose]").first.click()
    modal = page.locator(".modal")
    expect(modal.get_by_role("textbox")).to_be_visible()
    other = Zona.objects.exclude(name="Lunigiana").order_by("name").first()
    expect(modal).to_contain_text(other.name)
    modal.get_by_role("textbox").first.fill("lunig")  # a part of the name, as editors type
    expect(modal).not_to_contain_text(other.name)
    modal.get_by_role("link", name="Lunigiana").click()
    expect(page.locator("#id_zona-chooser")).to_contain_text("Lunigiana")

    page.get_by_role("tab", name="Classificazione").click()
    expect(page.locator('[data-autocomplete-input-name="topics"]')).to_contain_text("Nessuna scelta.")  # in Italian
    norms = page.locator('[data-autocomplete-input-name="related_norms"]')
    norms.get_by_role("combobox").fill("544")  # the number, as editors cite the act
    wanted = norms.locator(".c-wagtailautocomplete__suggestions__item",
                           has_text="DGR 544/2023 – Linee guida integrazione sociale e lavoro")
    expect(wanted).to_be_visible()
    expect(norms.locator(".c-wagtailautocomplete__suggestions__item", has_text="DGR 73/2024")).to_have_count(0)
    wanted.click()
    expect(norms.locator(".c-wagtailautocomplete__selection")).to_contain_text("DGR 544/2023")
    norms.get_by_role("combobox").fill("piano")  # words of the title find the other one
    expect(norms.locator(".c-wagtailautocomplete__suggestions__item", has_text="DGR 73/2024 – Piano sociale integrato regionale")).to_be_visible()
    screenshot(page, "admin-norme-filtrate")
    chosen = json.loads(norms.locator('input[type="hidden"][name="related_norms"]').input_value())
    assert [item["pk"] for item in chosen] == [first.pk], chosen
