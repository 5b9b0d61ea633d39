"""Issue #17, points 2 and 5 on a 375 px phone: the zona page shows its comuni; a data page's figure stays
on one line inside the screen and its chart text stays readable; no sideways scrolling; axe-core finds no
serious or critical violation on the zone list, a zona page, a data page and a norm page."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, screenshot
from tests.e2e.test_accessibility import sideways_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def content():
    from tests import builders

    tree = builders.tree()
    indicator = "Fondo Nazionale Politiche Sociali ripartito"
    builders.data(parent=tree["dati"], indicator=indicator, value=Decimal("45917191"), unit="euro", period_label="2017-2018",
           period_end=date(2018, 12, 31))
    figure = builders.data(parent=tree["dati"], indicator=indicator, value=Decimal("51599773"), unit="euro", period_label="2019-2020",
                    period_end=date(2020, 12, 31), source="Regione Toscana, Welfare e salute in Toscana 2021")
    norm = builders.norm(parent=tree["quadro-normativo"], kind="D.Lgs", number="147", date=date(2017, 9, 15), issuing_body="Stato")
    return {"figure": figure, "norm": norm, "mugello": builders.zona("mugello")}


def test_zona_comuni_and_data_figure_fit_a_375px_phone(mobile_page, content):
    page = mobile_page
    width = page.viewport_size["width"]

    page.goto("/zone/")
    expect(page.get_by_role("heading", name="Azienda USL Toscana Centro")).to_be_visible()
    assert sideways_overflow(page) == []
    assert check_a11y(page, "cms/zona_list.html (375 px)") == []

    page.goto("/zone/mugello/")
    comuni = page.locator(".zona-comuni li")
    expect(comuni).to_have_count(len(content["mugello"].comuni_list))
    expect(comuni.first).to_be_visible()
    expect(comuni.first).to_contain_text(content["mugello"].comuni_list[0])
    assert sideways_overflow(page) == []
    assert check_a11y(page, "cms/zona_detail.html (375 px)") == []
    screenshot(page, "zona-mugello")

    page.goto(content["figure"].url)
    number = page.locator(".key-figure .figure-number")
    expect(number).to_have_text("51.599.773")
    box = number.evaluate("el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, lines: el.getClientRects().length}; }")
    assert box["lines"] == 1, box  # not broken mid-number
    assert 0 <= box["left"] and box["right"] <= width, box
    smallest = page.evaluate("""() => {
        const svg = document.querySelector(".figure-chart svg");
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return Math.min(...[...svg.querySelectorAll("text")].map(t => parseFloat(getComputedStyle(t).fontSize) * scale));
    }""")
    assert smallest >= 12, smallest
    expect(page.locator(".figure-chart tbody tr")).to_have_count(2)
    expect(page.locator("a.data-csv")).to_be_visible()
    assert sideways_overflow(page) == []
    assert check_a11y(page, "cms/data_page.html (375 px)") == []
    screenshot(page, "dato-serie")

    page.goto(content["norm"].url)
    expect(page.locator("a.norm-official-link")).to_have_attribute(
        "href", "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:2017-09-15;147")
    assert sideways_overflow(page) == []
    assert check_a11y(page, "cms/norm_page.html (375 px)") == []
