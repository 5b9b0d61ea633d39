"""Issue #17, points 4 and 7 in Chromium, on a 375 px phone and a 1280 px desktop.

On a phone a seminar reads title, "Iscriviti", then the practical box (where, online link, calendar)
before the text's related norms and the related content; event cards carry the next session's date
badge; the month calendar fits the screen; the legal pages, the site map and the page rating work
and pass axe-core (0 serious/critical). Screenshots go to tests/artifacts/screenshots."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _keep_failure_screenshots, _new_page, check_a11y, screenshot, tick
from tests.e2e.test_accessibility import content_over_footer, sideways_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def phone(browser, live_server, request):
    page = _new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    _keep_failure_screenshots(request, [page], "phone")
    page.context.close()


@pytest.fixture
def events():
    from django.utils import timezone

    from tests import builders

    tree = builders.tree()
    norm = builders.norm(parent=tree["quadro-normativo"], kind="DGR", number="1627", title="Linee guida operative équipe")
    topic = builders.topic()
    meeting = builders.seminar(
        parent=tree["seminari"], start=timezone.now() + timedelta(days=30), title="Incontro annuale di prova", capacity=120,
        format="misto", place="Firenze, Palazzo di prova", online_link="https://meet.example.org/incontro",
        body="<p>" + "Una giornata di lavoro tra le zone. " * 30 + "</p>", related_norms=[norm], topics=[topic],
    )
    builders.seminar(parent=tree["seminari"], start=timezone.now() - timedelta(days=90), title="Seminario passato collegato",
              topics=[topic])
    now = timezone.now()
    workshop = builders.workshop(parent=tree["laboratori"], title="Laboratorio con una sessione passata",
                          sessions=[now - timedelta(days=40), now + timedelta(days=12)])
    return {"meeting": meeting, "workshop": workshop, "next_session": timezone.localtime(now + timedelta(days=12))}


def _top(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("el => el.getBoundingClientRect().top + window.scrollY")


def test_on_a_phone_the_practical_box_comes_before_related_content(phone, events):
    page = phone
    page.goto(events["meeting"].url)
    cta = page.locator("main").get_by_role("link", name="Iscriviti", exact=True)
    expect(cta).to_be_visible()
    assert cta.bounding_box()["y"] + cta.bounding_box()["height"] <= PHONE["height"], "Iscriviti in the first screen"
    where = _top(page, ".page-aside")
    online = _top(page, '.page-aside a[href="https://meet.example.org/incontro"]')
    ics = _top(page, '.page-aside a[href$=".ics"]')
    related_norms = _top(page, "#norms-heading")
    related = _top(page, "#related-heading, .related-content, [aria-labelledby='related-heading']")
    print(f"\n375 px tops: box {where:.0f}, online {online:.0f}, ics {ics:.0f}, norms {related_norms:.0f}, related {related:.0f}")
    assert max(where, online, ics) < min(related_norms, related)
    assert sideways_overflow(page) == []
    assert check_a11y(page, "cms/seminar_page.html (375 px, iscrizioni aperte)") == []
    screenshot(page, "seminario-iscrizione")
    cta.click()
    expect(page.get_by_role("heading", name="Iscrizione")).to_be_in_viewport()


def test_desktop_keeps_the_box_on_the_right_of_the_text(page, events):
    page.goto(events["meeting"].url)
    box = page.locator(".page-aside").bounding_box()
    text = page.locator(".page-main").bounding_box()
    assert box["x"] > text["x"] + text["width"] - 1  # beside, not below
    assert box["y"] < text["y"] + 200
    screenshot(page, "seminario-iscrizione")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_event_cards_badges_and_the_month_calendar(browser, live_server, request, events, viewport):
    page = _new_page(browser, live_server, viewport=viewport)
    try:
        page.goto("/")
        card = page.locator(".content-card", has_text="Laboratorio con una sessione passata")
        badge = card.locator("time.event-date-badge")
        expect(badge).to_have_attribute("datetime", events["next_session"].isoformat())
        expect(badge).to_contain_text(str(events["next_session"].day))
        box, title = badge.bounding_box(), card.locator(".card-title").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert sideways_overflow(page) == []
        screenshot(page, "home-appuntamenti")

        page.get_by_role("link", name="Calendario del mese").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Calendario degli appuntamenti")
        month = events["next_session"]
        if page.locator(f"#giorno-{month.day}").count() == 0:  # next month's session: follow the link
            page.locator('nav[aria-label="Mesi"] a[rel="next"]').click()
        expect(page.locator(f"#giorno-{month.day}")).to_contain_text("Laboratorio con una sessione passata")
        page.locator(f'table a[href="#giorno-{month.day}"]').click()
        expect(page.locator(f"#giorno-{month.day}")).to_be_in_viewport()
        assert sideways_overflow(page) == []
        assert content_over_footer(page) == []
        assert check_a11y(page, f"cms/event_calendar.html ({viewport['width']} px)") == []
        screenshot(page, "calendario-del-mese")
    finally:
        _keep_failure_screenshots(request, [page], f"{viewport['width']}px")
        page.context.close()


def test_legal_pages_site_map_and_rating_on_a_phone(phone, events):
    from portal.feedback.models import PageRating

    page = phone
    for url, template in (("/privacy/", "informativa privacy"), ("/accessibilita/", "dichiarazione di accessibilità"),
                          ("/note-legali/", "note legali"), ("/mappa-del-sito/", "cms/site_map.html")):
        page.goto(url)
        assert sideways_overflow(page) == [], url
        assert check_a11y(page, f"{template} (375 px)") == [], url
        screenshot(page, url.strip("/"))
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Mappa del sito").click()
    expect(page.get_by_role("heading", level=1, name="Mappa del sito")).to_be_visible()

    page.goto(events["meeting"].url)
    expect(page.locator(".last-update")).to_contain_text("Ultimo aggiornamento:")
    rating = page.locator("form.page-rating")
    rating.scroll_into_view_if_needed()
    screenshot(page, "valutazione-pagina")
    tick(rating.get_by_label("4 stelle su 5"))  # Bootstrap Italia draws the radio on its label
    tick(rating.get_by_label("Le indicazioni erano complete"))
    rating.get_by_role("button", name="Invia la valutazione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grazie per il tuo riscontro!")
    assert check_a11y(page, "feedback/thanks.html (375 px)") == []
    assert [(r.page_id, r.stars, r.reason, r.count) for r in PageRating.objects.all()] == [
        (events["meeting"].pk, 4, "complete", 1)]
