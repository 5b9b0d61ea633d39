"""The editors' admin in Chromium (issue #18, items 3 and 5): an editor publishes a practice
filling only the first tab, autosave never warns while a new page is being typed; a Referente
di Zona and an editor find their work on the admin home."""
import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_as, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _tree():
    from cms.permissions import ensure_page_permissions
    from tests.security.conftest import site_tree

    tree = site_tree()
    ensure_page_permissions()
    return tree


def test_an_editor_publishes_a_practice_from_the_first_tab(page, make_user):
    from cms.models import PracticePage

    tree = _tree()
    login_as(page, make_user("redattrice.pratiche@regione.example.it", roles=("Redattore",)))
    page.goto(f"/admin/pages/add/cms/practicepage/{tree.practices.pk}/")
    form = page.locator("form[data-controller~='w-autosave']")
    indicator = page.locator("#w-autosave-indicator")

    # typing the summary before the title: autosave waits instead of warning of validation errors
    expect(form).to_have_attribute("data-w-autosave-active-value", "false")
    page.locator("#id_summary").fill("Servizi sociali e Centro per l'impiego accolgono insieme i nuclei.")
    page.locator("#id_owner_body").fill("Società della Salute del Mugello")
    expect(form).to_have_attribute("data-w-autosave-active-value", "false")
    page.locator("#id_title").press_sequentially("Sportello unico per l'inclusione")  # as an editor types
    expect(form).to_have_attribute("data-w-autosave-active-value", "true")
    expect(indicator).to_have_attribute("data-w-autosave-state-value", "saved", timeout=20_000)
    expect(page.get_by_text("errori di validazione")).to_be_hidden()  # nothing the editor sees
    draft = PracticePage.objects.get(title="Sportello unico per l'inclusione")
    assert not draft.live and draft.zona_id is None, "autosaved as a draft, without the zona still to choose"

    # the evaluation level is an explicit choice on the first tab, «da valutare» until moderated
    expect(page.locator("#id_evaluation_level")).to_have_value("da_valutare")
    # publishing without a zona: Wagtail keeps the editor on the first tab, at the field with the error
    page.get_by_role("button", name="Altre azioni").click()
    page.get_by_role("button", name="Pubblica").click()
    expect(page.locator("[data-field-wrapper]").filter(has=page.locator("#id_zona")).locator(".error-message")).to_be_visible()
    expect(page.get_by_role("tab", name="Pratica")).to_have_attribute("aria-selected", "true")
    screenshot(page, "admin-pratica-errore-zona")

    page.locator("#id_zona-chooser [data-chooser-action-choose]").first.click()
    modal = page.locator(".modal")
    modal.get_by_role("textbox").first.fill("mugello")
    modal.get_by_role("link", name="Mugello").click()
    page.get_by_role("button", name="Altre azioni").click()
    page.get_by_role("button", name="Pubblica").click()
    expect(page.locator(".messages")).to_contain_text("pubblicata")
    published = PracticePage.objects.get(pk=draft.pk)
    assert published.live and published.zona.name == "Mugello" and published.evaluation_level == "da_valutare"


def test_dashboards_of_a_referente_and_of_an_editor(page, make_user):
    from django.utils import timezone

    from cms.models import Zona
    from portal.accounts.models import Profile
    from tests import builders

    tree = _tree()
    from cms.demo.builder import ensure_page
    from cms.models import DataIndexPage, NormIndexPage

    ensure_page(tree.home, NormIndexPage, "quadro-normativo", title="Quadro normativo")
    ensure_page(tree.home, DataIndexPage, "dati", title="Dati")
    mugello = Zona.objects.get(name="Mugello")
    builders.practice(parent=tree.practices, zona_obj=mugello, publish=False, title="Bozza del Mugello")
    builders.practice(parent=tree.practices, zona_obj=Zona.objects.get(name="Lunigiana"), publish=False, title="Bozza della Lunigiana")
    builders.practice(parent=tree.practices, zona_obj=mugello, title="Pratica pubblicata del Mugello")
    builders.seminar(parent=tree.seminars, start=timezone.now() + datetime.timedelta(days=5), zones=[mugello],
              title="Seminario nel Mugello")
    builders.norm("Delibera senza fonte ufficiale", "4321", datetime.date(2024, 2, 12))

    referente = make_user("referente.mugello@sds.example.it", roles=("Referente di Zona",))
    profile = Profile.for_user(referente)
    profile.zona = mugello
    profile.save()
    login_as(page, referente)
    page.goto("/admin/")
    panel = page.locator("#cdp-referente-section")
    expect(panel).to_contain_text("La tua zona: Mugello")
    expect(panel.locator("[data-cdp-section='1']")).to_contain_text("Bozza del Mugello")
    expect(panel).not_to_contain_text("Bozza della Lunigiana")
    expect(panel.locator("[data-cdp-section='3']")).to_contain_text("Seminario nel Mugello")
    expect(page.locator("#cdp-redazione-section")).to_have_count(0)
    screenshot(page, "admin-dashboard-referente")

    page.context.clear_cookies()
    login_as(page, make_user("redattore.dashboard@regione.example.it", roles=("Redattore",)))
    page.goto("/admin/")
    missing = page.locator("#cdp-redazione-section")
    expect(missing.locator("[data-cdp-section='1']")).to_contain_text("Lunigiana")
    expect(missing.locator("[data-cdp-section='1']")).not_to_contain_text("Mugello")
    expect(missing.locator("[data-cdp-section='2']")).to_contain_text("Delibera senza fonte ufficiale")
    screenshot(page, "admin-dashboard-redazione")
