"""The portal on a phone (375 x 667) and a desktop (1280 px), issue 17: results before filters,
labels that do not print over their neighbours, a usable header, one way of writing dates.

Each test measures boxes in Debian's Chromium against the live test server and leaves
screenshots under tests/artifacts/screenshots for a reviewer.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _keep_failure_screenshots, _new_page, check_a11y, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 667}  # an iPhone SE's first screen: what "without scrolling" means here
DESKTOP = {"width": 1280, "height": 900}

# A result on a listing or on the search page: the first card after the filters.
FIRST_RESULT = "#risultati .content-card, #risultati .norm-timeline li, #risultati .search-results > li"


@pytest.fixture
def phone(browser, live_server, request):
    page = _new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    _keep_failure_screenshots(request, [page], "phone")
    page.context.close()


def _listings() -> dict[str, str]:
    from cms import models as cms

    def first(model):
        return model.objects.live().public().order_by("path").first().url

    return {
        "seminari": first(cms.SeminarIndexPage),
        "laboratori": first(cms.WorkshopIndexPage),
        "buone-pratiche": first(cms.PracticeIndexPage),
        "quadro-normativo": first(cms.NormIndexPage),
        "dati": first(cms.DataIndexPage),
        "notizie": first(cms.NewsIndexPage),
    }


def first_result_top(page) -> float:
    box = page.locator(FIRST_RESULT).first.bounding_box()
    assert box is not None, f"{page.url}: no result drawn"
    return box["y"]  # relative to the viewport: the page is at the top after goto


def results_top_once_scrolled(page) -> float:
    """Where the results start in the viewport once the browser has followed the #risultati anchor
    (Bootstrap's ``scroll-behavior: smooth`` animates it: wait until two frames agree)."""
    page.wait_for_load_state("load")
    return page.evaluate("""() => new Promise(resolve => {
        const results = document.getElementById('risultati');
        let last = null, still = 0;
        const step = () => {
            const top = results.getBoundingClientRect().top;
            still = top === last ? still + 1 : 0;
            last = top;
            if (still >= 5) { resolve(top); } else { requestAnimationFrame(step); }
        };
        requestAnimationFrame(step);
    })""")


def test_first_result_is_within_the_first_screen_on_a_phone(phone, demo):
    tops = {}
    pages = {"cerca": "/cerca/?q=equipe", **_listings()}
    for name, url in pages.items():
        phone.goto(url)
        facets = phone.locator(".search-facet input[type=checkbox]").count()
        tops[name] = (first_result_top(phone), facets)
        screenshot(phone, f"phone-first-screen-{name}")
    print("\nfirst result's top at 375x667 (px, facet checkboxes on the page):", tops)
    assert tops["cerca"][1] > 10, "the search page should offer its facets (in the collapsed panel)"
    late = {name: top for name, (top, _) in tops.items() if top > PHONE["height"] - 40}
    assert late == {}, f"first result below the first screen: {late}"


def test_filters_panel_opens_applies_and_keeps_the_view_on_the_results(phone, page, demo):
    url = _listings()["buone-pratiche"]
    phone.goto(url)
    panel = phone.locator("#listing-filters-panel")
    expect(panel).to_be_hidden()
    toggle = phone.get_by_role("button", name=re.compile("Filtri"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    total_before = phone.locator("#risultati .content-card").count()
    zona = phone.locator("#id_zona")
    option = zona.locator("option").nth(1)
    zona.select_option(option.get_attribute("value"))
    phone.get_by_role("button", name="Applica i filtri").click()
    expect(phone).to_have_url(re.compile(r"zona=.*#risultati$"))
    # the browser is scrolled to the results, not left at the header
    top = results_top_once_scrolled(phone)
    print(f"\nafter applying: results' top at {top:.0f} px, cards {total_before} -> "
          f"{phone.locator('#risultati .content-card').count()}")
    assert -2 <= top <= 80
    chips = phone.locator(".listing-active-filters .chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text(option.inner_text().strip())
    expect(phone.locator("#risultati-conteggio")).to_contain_text(re.compile(r"\d+ (risultato|risultati)"))
    screenshot(phone, "phone-listing-filtered")
    assert check_a11y(phone, "cms/index_page.html (375 px, filtri attivi)") == []
    chips.first.click()  # removing the chip removes the filter
    expect(phone).not_to_have_url(re.compile("zona="))
    expect(phone.locator(".listing-active-filters .chip")).to_have_count(0)

    # on a desktop the filters stay open beside the results, without a toggle
    page.goto(url)
    expect(page.locator("#listing-filters-panel")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Filtri"))).to_be_hidden()
    screenshot(page, "desktop-listing")


def test_search_facets_collapse_on_a_phone_and_a_tick_lands_on_the_results(phone, page, demo):
    phone.goto("/cerca/?q=equipe")
    panel = phone.locator("#search-facets-panel")
    expect(panel).to_be_hidden()
    phone.get_by_role("button", name=re.compile("Filtri")).click()
    expect(panel).to_be_visible()
    box = panel.locator(".search-facet input[type=checkbox]").first
    label = phone.locator(f'label[for="{box.get_attribute("id")}"]')
    label.click()
    expect(phone).to_have_url(re.compile(r"#risultati$"))
    top = results_top_once_scrolled(phone)
    print(f"\nsearch after a tick: results' top at {top:.0f} px")
    assert -2 <= top <= 80
    expect(phone.locator(".search-active-filters .chip")).to_have_count(1)
    screenshot(phone, "phone-search-filtered")
    assert check_a11y(phone, "search/search.html (375 px, filtri attivi)") == []

    page.goto("/cerca/?q=equipe")
    expect(page.locator("#search-facets-panel")).to_be_visible()
