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
    expect(phone).to_have_url(re.compile(r"zona=.*#risultati$"), timeout=15_000)  # a full page load
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


# --- labels over their neighbours (issue 17.3) ------------------------------------------------------
OVERLAPS_JS = """() => {
    // Every visible label and control of the main content's forms, and the text around them.
    const visible = el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden"
        && !el.closest(".visually-hidden, [hidden]") && el.getBoundingClientRect().width > 1;
    const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.htmlFor ? "[for=" + el.htmlFor + "]" : "")
        + (el.name ? "[name=" + el.name + "]" : "") + " «" + (el.innerText || el.value || "").trim().slice(0, 30) + "»";
    const found = [];
    for (const form of document.querySelectorAll("main form")) {
        if (!visible(form)) continue;
        const labels = [...form.querySelectorAll("label, legend")].filter(visible);
        const others = [...form.querySelectorAll("label, legend, input:not([type=hidden]), select, textarea, button, p, .form-text, small, a")]
            .filter(visible);
        for (const label of labels) {
            for (const other of others) {
                if (other === label || label.contains(other) || other.contains(label)) continue;
                // a checkbox's label is drawn with its box on purpose (Bootstrap Italia's form-check)
                if (other.id && label.htmlFor === other.id && other.matches("input[type=checkbox], input[type=radio]")) continue;
                const a = label.getBoundingClientRect(), b = other.getBoundingClientRect();
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (w > 2 && h > 2) found.push({label: name(label), over: name(other), px: Math.round(h)});
            }
        }
    }
    return found;
}"""


def _forms() -> dict[str, tuple[str, str | None]]:
    """Every public form: name -> (url, the button that opens it on a phone, if folded)."""
    from cms import models as cms

    practices = cms.PracticeIndexPage.objects.live().public().first().url
    norms = cms.NormIndexPage.objects.live().public().first().url
    return {
        "filtri-elenco": (practices, "Filtri"),
        "filtri-norme": (norms, "Filtri"),
        "cerca": ("/cerca/?q=equipe", "Filtri"),
        "newsletter": ("/newsletter/", None),
        "registrazione": ("/account/signup/", None),
        "accesso": ("/account/login/", None),
        "password-dimenticata": ("/account/password/reset/", None),
        "valutazione-pagina": (cms.NewsPage.objects.live().public().first().url + "#valutazione", None),
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_no_form_label_overlaps_its_neighbours(browser, live_server, request, demo, viewport):
    page = _new_page(browser, live_server, viewport=viewport)
    try:
        overlaps = {}
        for name, (url, opener) in _forms().items():
            page.goto(url)
            if opener and viewport is PHONE:
                page.get_by_role("button", name=re.compile(f"^{opener}")).click()
                expect(page.locator(".collapse.show").first).to_be_visible()
            # what was typed or chosen: Bootstrap Italia moves a filled field's label up
            found = page.evaluate(OVERLAPS_JS)
            if found:
                overlaps[name] = found
            screenshot(page, f"form-{name}")
        print(f"\nlabel overlaps at {viewport['width']} px:", {k: len(v) for k, v in overlaps.items()}, overlaps)
        assert overlaps == {}
    finally:
        _keep_failure_screenshots(request, [page], f"{viewport['width']}px")
        page.context.close()


# --- the header on a phone, and in English (issue 17.6) -----------------------------------------------
LANGUAGE_SELECT_JS = """() => {
    // The selected language's text against the room the arrow (a background image) leaves it.
    const select = document.getElementById("lang-select");
    const style = getComputedStyle(select);
    const text = select.options[select.selectedIndex].text;
    const canvas = document.createElement("canvas").getContext("2d");
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const arrow = parseFloat(style.backgroundSize) || 0;      // "16px 12px" -> 16
    const offset = parseFloat(style.backgroundPositionX.replace(/^.*?(\\d+(\\.\\d+)?)px.*$/, "$1")) || 0;
    return {text, textWidth: canvas.measureText(text).width, paddingLeft: parseFloat(style.paddingLeft),
            paddingRight: parseFloat(style.paddingRight), width: select.clientWidth, arrow, offset,
            position: style.backgroundPositionX};
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_header_search_and_language_menu_are_usable(browser, live_server, request, demo, viewport):
    page = _new_page(browser, live_server, viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    try:
        page.goto("/")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "no sideways scrolling"
        lang = page.evaluate(LANGUAGE_SELECT_JS)
        print(f"\nlanguage menu at {viewport['width']} px:", lang)
        # the text ends before the arrow's box begins (the arrow sits `offset` px from the right edge)
        assert lang["paddingLeft"] + lang["textWidth"] <= lang["width"] - lang["arrow"] - lang["offset"], lang
        assert lang["paddingRight"] >= lang["arrow"] + lang["offset"], lang

        field = page.locator("#header-search-input")
        button = page.locator(".header-search-form button[type=submit]")
        button_box = button.bounding_box()
        least = 44 if viewport is PHONE else 24  # a finger on a phone; WCAG 2.5.8's minimum target with a mouse
        assert min(button_box["width"], button_box["height"]) >= least, f"search button {button_box}"
        if viewport is PHONE:
            # no 65 px box: the phone header offers the search button, which opens the search page's full-width field
            expect(field).to_be_hidden()
            button.click()
            expect(page).to_have_url(re.compile(r"/cerca/"))
            width = page.locator("#search-q").bounding_box()["width"]
        else:
            width = field.bounding_box()["width"]
        print(f"search field at {viewport['width']} px: {width:.0f} px wide")
        assert width >= min(256, viewport["width"] - 48)
        screenshot(page, "header-search")
    finally:
        _keep_failure_screenshots(request, [page], f"{viewport['width']}px")
        page.context.close()


def test_an_english_browser_gets_the_english_page(browser, live_server, request, demo):
    from cms.models import PracticePage

    practice = PracticePage.objects.get(slug="siil-valdinievole")
    for viewport in (PHONE, DESKTOP):
        # an English browser: Chromium sends Accept-Language: en-GB,en from its locale
        context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=viewport)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            page.goto(practice.url)
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
            expect(page.locator("#lang-select")).to_have_value("en")
            expect(page.get_by_role("heading", name="Other practices of the district")).to_be_visible()
            page.goto("/cerca/?q=equipe")
            expect(page.get_by_role("heading", name="Search the portal")).to_be_visible()
            ui = page.locator("header, footer, main form").all_inner_texts()
            italian = [w for w in ("Cerca", "Accedi", "Filtra", "zona", "Applica", "risultat") if any(w in t for t in ui)]
            assert italian == [], f"Italian UI words in the English page: {italian}"
            screenshot(page, "english-search")
        finally:
            _keep_failure_screenshots(request, [page], f"en-{viewport['width']}px")
            page.context.close()


# --- finish (issue 17.8) --------------------------------------------------------------------------------
MONTHS = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split()
DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS)})\b", re.I)
FROM_MONTH = re.compile(rf"\bda ({'|'.join(MONTHS)}) \d{{4}}\b")


def test_dates_tags_breadcrumbs_titles_and_confirmation_read_as_italian_public_pages(browser, live_server, request, demo,
                                                                                     make_user, settings):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from django.contrib.auth import get_user_model

    from cms import models as cms

    practice = cms.PracticePage.objects.get(slug="siil-valdinievole")
    practice.tags.add("newsletter", "équipe")
    practice.save_revision().publish()
    user = get_user_model().objects.create_user(username="u-ab88c0ffee", email="nuova.socia@comune.example",
                                                password="Pratica-di-comunita-2025")
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    confirm_url = f"/account/confirm-email/{EmailConfirmationHMAC(address).key}/"
    pages = {
        "cerca": "/cerca/?q=equipe",
        "buona-pratica": practice.url,
        "notizie": cms.NewsIndexPage.objects.live().first().url,
        "quadro-normativo": cms.NormIndexPage.objects.live().first().url,
        "norma": cms.NormPage.objects.live().order_by("path").first().url,
        "seminari": cms.SeminarIndexPage.objects.live().first().url,
    }
    for viewport in (PHONE, DESKTOP):
        page = _new_page(browser, live_server, viewport=viewport)
        try:
            dates = {}
            for name, url in pages.items():
                page.goto(url)
                text = page.locator("main").inner_text()
                found = DAY_MONTH.findall(text)
                dates[name] = [f"{d} {m}" for d, m in found]
                wrong = [f"{d} {m}" for d, m in found if d.startswith("0") or m != m.lower()]
                assert wrong == [], f"{name}: dates not written as «9 gennaio 2025»: {wrong}"
            print(f"\ndates at {viewport['width']} px:", {k: v[:3] for k, v in dates.items()})
            assert all(dates[name] for name in ("cerca", "notizie", "quadro-normativo")), dates

            page.goto(practice.url)
            assert FROM_MONTH.search(page.locator("main").inner_text()), "the period reads «da giugno 2023»"
            taxonomy = page.locator("[aria-labelledby=taxonomy-heading]").inner_text()
            assert "équipe" in taxonomy and "newsletter" not in taxonomy.lower()
            jsonld = " ".join(page.locator('script[type="application/ld+json"]').all_text_contents())
            assert "newsletter" not in jsonld.lower()
            crumbs = page.locator("nav.breadcrumb-container .breadcrumb-item").all_inner_texts()
            assert crumbs[0].strip(" /") == "Home", crumbs
            page.goto("/cerca/")
            assert page.locator("nav.breadcrumb-container .breadcrumb-item").first.inner_text().strip(" /") == "Home"

            page.goto("/")
            title = page.title()
            print(f"home title: {title!r}; practice breadcrumb: {crumbs}")
            assert title.count(settings.WAGTAIL_SITE_NAME) == 1, title

            page.goto(confirm_url)
            main = page.locator("main").inner_text()
            assert user.email in main and "u-ab88" not in main, main
            screenshot(page, "email-confirmation")
            assert check_a11y(page, "account/email_confirm.html") == []
        finally:
            _keep_failure_screenshots(request, [page], f"{viewport['width']}px")
            page.context.close()
