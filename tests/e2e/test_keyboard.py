"""Keyboard only: the skip links, the main menu (wide and collapsed at 375 px) and the search filters,
with a visible focus indicator on what has the focus."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What a visible focus looks like: an outline, a ring (box-shadow), on the element, its label or the
# label's ::before (Bootstrap Italia draws checkboxes there).
FOCUS_STYLE = """el => {
    const drawn = s => s && ((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none");
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    return drawn(getComputedStyle(el)) || (label && (drawn(getComputedStyle(label)) || drawn(getComputedStyle(label, "::before"))));
}"""


def focused(page):
    return page.locator("*:focus")


def tab_to(page, locator, limit: int = 60) -> None:
    """Press Tab until ``locator`` has the focus; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            assert locator.evaluate(FOCUS_STYLE), f"no visible focus indicator on {locator}"
            return
    pytest.fail(f"{locator} not reachable with Tab in {limit} presses")


@pytest.fixture
def menu(demo):
    return demo


def test_skip_link_and_main_menu_with_the_keyboard(page, menu):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Vai al contenuto principale")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["width"] > 1, "the skip link shows up when focused"
    page.keyboard.press("Tab")
    to_menu = page.get_by_role("link", name="Vai al menu di navigazione")
    expect(to_menu).to_be_focused()
    page.keyboard.press("Enter")

    nav = page.get_by_role("navigation", name="Menu principale")
    first = nav.get_by_role("link").first
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    assert first.evaluate(FOCUS_STYLE), "visible focus on the menu"
    target = nav.get_by_role("link", name="Buone pratiche")
    tab_to(page, target, limit=10)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/buone-pratiche/$"))
    expect(page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Buone pratiche")) \
        .to_have_attribute("aria-current", "page")

    # the skip link to the content lands in <main>: the next Tab is inside it
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page).evaluate("el => !!el.closest('main')")


def test_collapsed_menu_at_375px_with_the_keyboard(mobile_page, menu):
    page = mobile_page
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling at 375 px"
    toggle = page.get_by_role("button", name="Mostra/Nascondi la navigazione")
    close = page.get_by_role("button", name="Nascondi la navigazione", exact=True)
    nav = page.get_by_role("navigation", name="Menu principale")
    link = nav.get_by_role("link", name="Seminari")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(link).to_be_hidden()

    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(close).to_be_focused()  # the focus moves into the opened menu
    expect(link).to_be_visible()
    tab_to(page, link, limit=10)
    tab_to(page, close, limit=10)  # Tab stays inside the open menu and comes back round
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()  # and returns where it was
    expect(link).to_be_hidden()

    page.keyboard.press("Enter")
    expect(close).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # the menu has finished closing once the focus is back on the toggle: until then the focus is
    # still on the close button, and an Enter pressed there would close it again, not reopen it
    expect(toggle).to_be_focused()
    expect(link).to_be_hidden()

    page.keyboard.press("Enter")
    expect(close).to_be_focused()
    tab_to(page, link, limit=10)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/seminari/$"))


@pytest.mark.services
def test_search_filters_with_the_keyboard(page, demo, search_index):
    search_index.rebuild()
    page.goto("/cerca/?q=equipe")
    zona = page.locator('input[name="zona"][value="val-di-nievole"]')
    tab_to(page, zona)
    page.keyboard.press("Space")  # ticks it; the page reloads with the filter
    page.wait_for_url(re.compile(r"zona=val-di-nievole"))
    expect(page.locator('input[name="zona"][value="val-di-nievole"]')).to_be_checked()
    narrowed = page.locator("#results-title").inner_text()

    kind = page.locator('input[name="tipo"][value="practice"]')
    tab_to(page, kind)
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"tipo=practice"))
    expect(page.locator('input[name="tipo"][value="practice"]')).to_be_checked()

    # the order, from the keyboard
    sort = page.get_by_label("Ordina per")
    tab_to(page, sort)
    page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"ordina=data"))
    expect(page.get_by_label("Ordina per")).to_have_value("data")

    # remove one filter from the active filters' chips, with Enter
    chip = page.get_by_role("list", name="Filtri attivi").get_by_role("link", name=re.compile(r"Tipo di contenuto"))
    tab_to(page, chip)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "tipo=" not in url)
    expect(page.locator('input[name="zona"][value="val-di-nievole"]')).to_be_checked()
    expect(page.locator('input[name="tipo"][value="practice"]')).not_to_be_checked()
    assert page.locator("#results-title").inner_text() == narrowed

    # and untick with Space
    tab_to(page, page.locator('input[name="zona"][value="val-di-nievole"]'))
    page.keyboard.press("Space")
    page.wait_for_url(lambda url: "zona=" not in url)
    expect(page.locator('input[name="zona"]:checked')).to_have_count(0)
