"""An editor fills a practice in the Wagtail admin: the zona chooser finds "Lunigiana" and the
norms list narrows to "DGR 544/2023" as they type (issue #18, items 1 and 2)."""
import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_as, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_finds_a_zona_by_name_and_a_norm_by_number(page, make_user):
    from cms.models import Zona
    from tests.search import content
    from tests.security.conftest import site_tree

    tree = site_tree()
    content.norm("Linee guida integrazione sociale e lavoro", "544", datetime.date(2023, 5, 15))
    content.norm("Piano sociale integrato regionale", "73", datetime.date(2024, 1, 29))
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
    norms = page.locator("[data-cdp-choices]").filter(has=page.locator('input[name="related_norms"]'))
    norms.locator("[data-cdp-choices-filter]").fill("544")
    expect(norms.get_by_label("DGR 544/2023 – Linee guida integrazione sociale e lavoro")).to_be_visible()
    expect(norms.get_by_text("DGR 73/2024 – Piano sociale integrato regionale")).to_be_hidden()
    norms.get_by_label("DGR 544/2023 – Linee guida integrazione sociale e lavoro").check()
    norms.locator("[data-cdp-choices-filter]").fill("piano")
    expect(norms.get_by_label("DGR 544/2023 – Linee guida integrazione sociale e lavoro")).to_be_visible()  # ticked: kept
    expect(norms.get_by_text("DGR 73/2024 – Piano sociale integrato regionale")).to_be_visible()
    screenshot(page, "admin-norme-filtrate")
