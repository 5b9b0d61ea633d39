"""Journey 2: searching "equipe multidisciplinare" from the header autocomplete (keyboard only),
narrowing by zona and type with the facets, and going back through the filters with the
browser's back button. On the harness's Elasticsearch node (Elastic's 8.19 server, analysis filters from the
harness plugin)."""
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_a11y, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUERY = "equipe multidisciplinare"


def _filters(page) -> dict:
    """The query and the filters in the page's URL (the sort order, default or not, aside)."""
    return {k: sorted(v) for k, v in parse_qs(urlsplit(page.url).query).items() if k != "ordina"}


def _checked(page, param: str) -> list[str]:
    return sorted(page.locator(f'input[type="checkbox"][name="{param}"]:checked').evaluate_all("els => els.map(e => e.value)"))


def _total(page) -> int:
    match = re.match(r"(\d+) risultat", page.locator("#results-title").inner_text())
    assert match, page.locator("#results-title").inner_text()
    return int(match.group(1))


def _facet_option(page, param: str, value: str):
    return page.locator(f'input[type="checkbox"][name="{param}"][value="{value}"]')


def _facet_label(page, param: str, value: str):
    """Bootstrap Italia draws the checkbox on its label: people click the label."""
    return page.locator(f'label[for="{_facet_option(page, param, value).get_attribute("id")}"]')


def _facet_count(page, param: str, value: str) -> int:
    return int(_facet_label(page, param, value).locator(".badge").inner_text())


def _badges(page, param: str) -> dict[str, int]:
    """value -> the count shown on each checkbox of a facet group (values with a count)."""
    values = page.locator(f'input[type="checkbox"][name="{param}"]').evaluate_all("els => els.map(e => e.value)")
    counts = {value: _facet_count(page, param, value) for value in values}
    return {value: count for value, count in counts.items() if count}


def _zona_counts_in_database(page_ids) -> Counter:
    """How many of these pages are in each zona, read from the pages themselves (not from the index)."""
    from wagtail.models import Page

    counts: Counter = Counter()
    for page in Page.objects.filter(pk__in=page_ids).specific():
        if hasattr(page, "zona"):
            counts.update([page.zona.slug] if page.zona_id else [])
        elif hasattr(page, "zones"):
            counts.update({zona.slug for zona in page.zones.all()})
    return counts


def test_search_from_header_autocomplete_narrow_with_facets_and_back_button(page, demo, search_index):
    from cms.models import PracticePage

    search_index.rebuild()
    siil = PracticePage.objects.get(slug="siil-valdinievole")

    page.goto("/")
    # keyboard only: Tab from the skip links to the header search box
    header_box = page.get_by_role("combobox", name="Cerca nel portale")
    for _ in range(30):
        page.keyboard.press("Tab")
        if header_box.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the header search box is not reachable with Tab")
    page.keyboard.type(QUERY, delay=15)
    listbox = page.get_by_role("listbox", name="Suggerimenti")
    expect(listbox).to_be_visible()
    expect(header_box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    assert options.count() >= 1
    assert any("équipe" in text.lower() or "equipe" in text.lower() for text in options.all_inner_texts())
    page.keyboard.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(header_box).to_have_attribute("aria-activedescendant", first_id)
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")  # close the list: Enter now searches the typed words
    expect(listbox).to_be_hidden()
    expect(header_box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/cerca/\?"))
    assert _filters(page) == {"q": [QUERY]}
    expect(page.locator(".search-fallback-notice")).to_have_count(0)  # Elasticsearch answered
    all_results = _total(page)
    assert all_results >= 3, "practices, workshops and norms on équipe multidisciplinari"
    expect(page.locator(".search-results mark").first).to_be_visible()  # highlighted words
    assert check_a11y(page, "search/search.html (Elasticsearch, risultati)") == []
    screenshot(page, "cerca-risultati")
    # the zona counts are those of the matching pages in the database
    from search.querying.contract import SearchRequest
    from search.querying.elasticsearch import ElasticsearchBackend

    matched = ElasticsearchBackend().search(SearchRequest(q=QUERY, per_page=50))
    assert matched.total == all_results <= 50
    expected_zona_counts = dict(_zona_counts_in_database([hit.page_id for hit in matched.hits]))
    assert len(expected_zona_counts) > 1, "the journey needs results in more than one zona"
    assert _badges(page, "zona") == expected_zona_counts

    # narrow by zona: the count on the facet is the number of results we get
    zona_count = _facet_count(page, "zona", "val-di-nievole")
    assert 1 <= zona_count < all_results
    _facet_label(page, "zona", "val-di-nievole").click()
    page.wait_for_url(re.compile(r"zona=val-di-nievole"))
    assert _filters(page) == {"q": [QUERY], "zona": ["val-di-nievole"]}
    assert _total(page) == zona_count
    expect(page.get_by_role("list", name="Filtri attivi")).to_contain_text("Val di Nievole")
    # the other zones keep their counts while one is selected (a group is counted without its own selection)
    assert _badges(page, "zona") == expected_zona_counts

    # then by type
    type_count = _facet_count(page, "tipo", "practice")
    assert 1 <= type_count <= zona_count
    _facet_label(page, "tipo", "practice").click()
    page.wait_for_url(re.compile(r"tipo=practice"))
    assert _filters(page) == {"q": [QUERY], "tipo": ["practice"], "zona": ["val-di-nievole"]}
    assert _total(page) == type_count
    expect(page.locator(".search-results")).to_contain_text(siil.title)
    assert _checked(page, "zona") == ["val-di-nievole"] and _checked(page, "tipo") == ["practice"]
    assert check_a11y(page, "search/search.html (Elasticsearch, zona e tipo)") == []
    screenshot(page, "cerca-filtri")

    # the back button walks back through the filters, and the form shows them as they were
    # (expect() retries: a page restored from the back-forward cache is fixed up on "pageshow")
    zona_box, type_box = _facet_option(page, "zona", "val-di-nievole"), _facet_option(page, "tipo", "practice")
    page.go_back()
    page.wait_for_url(lambda url: "tipo=" not in url)
    assert _filters(page) == {"q": [QUERY], "zona": ["val-di-nievole"]}
    expect(zona_box).to_be_checked()
    expect(type_box).not_to_be_checked()
    expect(page.locator('input[type="checkbox"]:checked')).to_have_count(1)
    assert _total(page) == zona_count
    page.go_back()
    page.wait_for_url(lambda url: "zona=" not in url)
    assert _filters(page) == {"q": [QUERY]}
    expect(page.locator('input[type="checkbox"]:checked')).to_have_count(0)
    assert _total(page) == all_results
    expect(page.locator("#search-q")).to_have_value(QUERY)
    page.go_forward()
    page.wait_for_url(re.compile(r"zona=val-di-nievole"))
    expect(zona_box).to_be_checked()
    expect(page.locator('input[type="checkbox"]:checked')).to_have_count(1)

    # and a result opens the page
    page.get_by_role("link", name=siil.title).first.click()
    expect(page).to_have_url(re.compile(r"/buone-pratiche/siil-valdinievole/$"))
