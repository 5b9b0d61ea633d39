"""Issue #17, point 4: events. A workshop is shown by its next session everywhere (one function,
cms.events.next_occurrence), event cards carry a day/month badge, a seminar with online registration
offers "Iscriviti" at the top, and a month calendar is served as HTML without JavaScript."""
from datetime import timedelta

import pytest
from django.utils import formats, timezone
from lxml import html as lxml_html

from cms.events import next_occurrence
from tests import builders

pytestmark = pytest.mark.django_db


def _doc(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return lxml_html.fromstring(response.content.decode())


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _card(tree, title):
    cards = tree.xpath(f'//article[contains(@class, "content-card")][.//a[normalize-space()="{title}"]]')
    assert len(cards) == 1, title
    return cards[0]


def _workshop_with_past_first_session(site_tree):
    now = timezone.now()
    first, coming = now - timedelta(days=60), now + timedelta(days=9)
    page = builders.workshop(parent=site_tree["laboratori"], sessions=[first, coming], title="Laboratorio in corso")
    return page, timezone.localtime(first), timezone.localtime(coming)


def test_next_occurrence_of_a_workshop_is_its_next_session_not_its_first(site_tree):
    page, first, coming = _workshop_with_past_first_session(site_tree)
    assert next_occurrence(page) == coming
    finished = builders.workshop(parent=site_tree["laboratori"], sessions=[timezone.now() - timedelta(days=3)])
    assert next_occurrence(finished) is None
    seminar = builders.seminar(parent=site_tree["seminari"], start=timezone.now() + timedelta(days=2))
    assert next_occurrence(seminar) == seminar.start
    # a session under way (started, not yet ended) is still the one to show
    running = builders.workshop(parent=site_tree["laboratori"], sessions=[timezone.now() - timedelta(hours=1)])
    assert next_occurrence(running) == running.sessions.get().start


@pytest.mark.parametrize("url", ["/", "/laboratori/"])
def test_prossimi_appuntamenti_show_a_workshop_by_its_next_session(client, site_tree, url):
    page, first, coming = _workshop_with_past_first_session(site_tree)
    card = _card(_doc(client, url), page.title)
    text = _text(card)
    assert formats.date_format(coming, "DATE_FORMAT") in text
    assert formats.date_format(first, "DATE_FORMAT") not in text
    badge = card.xpath('.//time[contains(@class, "event-date-badge")]')
    assert len(badge) == 1
    assert badge[0].get("datetime") == coming.isoformat()
    assert _text(badge[0]).startswith(str(coming.day))


def test_seminar_cards_carry_a_date_badge_and_other_cards_do_not(client, site_tree):
    start = timezone.localtime(timezone.now() + timedelta(days=4))
    seminar = builders.seminar(parent=site_tree["seminari"], start=start)
    tree = _doc(client, "/seminari/")
    badge = _card(tree, seminar.title).xpath('.//time[contains(@class, "event-date-badge")]')
    assert badge and badge[0].get("datetime") == start.isoformat()
    news = builders.news(parent=site_tree["notizie"])
    assert not _card(_doc(client, "/notizie/"), news.title).xpath('.//*[contains(@class, "event-date-badge")]')


def test_a_seminar_with_online_registration_offers_iscriviti_at_the_top(client, site_tree):
    seminar = builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10), capacity=80, title="Incontro annuale di prova")
    tree = _doc(client, seminar.url)
    header = tree.xpath('//article//header')[0]
    cta = header.xpath('.//a[contains(@class, "btn")][normalize-space()="Iscriviti"]')
    assert len(cta) == 1
    target = cta[0].get("href")
    assert target.startswith("#") and tree.xpath(f'//*[@id="{target[1:]}"]')
    assert "Posti disponibili: 80 su 80" in _text(tree.xpath(f'//*[@id="{target[1:]}"]')[0].getparent().getparent())
    # without online registration, no call to action; a past seminar has none either
    plain = builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10))
    assert not _doc(client, plain.url).xpath('//article//header//a[contains(@class, "btn")]')
    past = builders.seminar(parent=site_tree["seminari"], start=timezone.now() - timedelta(days=3), capacity=10)
    assert not _doc(client, past.url).xpath('//article//header//a[contains(@class, "btn")]')


def test_an_upcoming_online_seminar_without_registration_offers_partecipa(client, site_tree):
    seminar = builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10), format="online", online_link="https://meet.example.org/cdp")
    cta = _doc(client, seminar.url).xpath('//article//header//a[contains(@class, "btn")]')
    assert [(_text(a), a.get("href")) for a in cta] == [("Partecipa online", "https://meet.example.org/cdp")]


def test_the_demo_annual_meeting_takes_registrations(client, site_tree):
    from cms.demo.events import load_seminars
    from cms.models import SeminarPage

    load_seminars(site_tree["seminari"], {})
    meeting = SeminarPage.objects.get(slug="incontro-annuale-della-comunita")
    assert meeting.capacity and meeting.start > timezone.now()
    tree = _doc(client, meeting.url)
    assert tree.xpath('//article//header//a[contains(@class, "btn")][normalize-space()="Iscriviti"]')


def test_month_calendar_lists_seminars_and_every_workshop_session_of_the_month(client, site_tree):
    tz = timezone.get_current_timezone()
    from datetime import datetime

    in_month = datetime(2031, 3, 12, 10, 0, tzinfo=tz)
    seminar = builders.seminar(parent=site_tree["seminari"], start=in_month, title="Seminario di marzo")
    workshop = builders.workshop(parent=site_tree["laboratori"], title="Laboratorio di marzo",
                          sessions=[datetime(2031, 2, 20, 10, tzinfo=tz), datetime(2031, 3, 5, 10, tzinfo=tz),
                                    datetime(2031, 3, 26, 10, tzinfo=tz)])
    hidden = builders.seminar(parent=site_tree["seminari"], start=in_month, title="Seminario riservato")
    builders.restrict(hidden)
    builders.seminar(parent=site_tree["seminari"], start=in_month, title="Seminario in bozza", publish=False)

    tree = _doc(client, "/calendario/2031/3/")
    assert _text(tree.xpath("//h1")[0]) == "Calendario degli appuntamenti: marzo 2031"
    table = tree.xpath("//main//table")[0]
    assert _text(table.xpath("caption")[0]) == "marzo 2031"
    assert [th.get("scope") for th in table.xpath(".//thead//th")] == ["col"] * 7
    days = tree.xpath('//main//section[@aria-labelledby="calendar-agenda"]//li[@id]')
    listed = [(d.get("id"), [_text(a) for a in d.xpath(".//a")]) for d in days]
    assert listed == [("giorno-5", ["Laboratorio di marzo"]), ("giorno-12", ["Seminario di marzo"]),
                      ("giorno-26", ["Laboratorio di marzo"])]
    # the grid links the days with events to the list
    assert {a.get("href") for a in table.xpath(".//a")} == {"#giorno-5", "#giorno-12", "#giorno-26"}
    nav = {_text(a).strip("‹› "): a.get("href") for a in tree.xpath('//nav[@aria-label="Mesi"]//a')}
    assert nav == {"febbraio 2031": "/calendario/2031/2/", "aprile 2031": "/calendario/2031/4/"}
    assert seminar.url in {a.get("href") for a in days[1].xpath(".//a")}
    assert workshop.url in {a.get("href") for a in days[0].xpath(".//a")}
    assert "Seminario riservato" not in _text(tree) and "Seminario in bozza" not in _text(tree)
    assert not tree.xpath("//script[not(@src)]")  # nothing inline needed: the page works without JavaScript


def test_calendar_wraps_the_year_and_refuses_impossible_months(client, site_tree):
    nav = {a.get("href") for a in _doc(client, "/calendario/2031/1/").xpath('//nav[@aria-label="Mesi"]//a')}
    assert nav == {"/calendario/2030/12/", "/calendario/2031/2/"}
    empty = _doc(client, "/calendario/2031/1/")
    assert "Nessun appuntamento in questo mese." in _text(empty)
    for bad in ("/calendario/2031/13/", "/calendario/2031/0/", "/calendario/0/5/", "/calendario/99999/5/"):
        assert client.get(bad).status_code == 404, bad


def test_calendar_of_this_month_is_linked_from_home_and_event_listings(client, site_tree):
    today = timezone.localdate()
    assert client.get("/calendario/").headers["Location"] == f"/calendario/{today.year}/{today.month}/"
    for url in ("/", "/seminari/", "/laboratori/"):
        assert _doc(client, url).xpath('//main//a[@href="/calendario/"]'), url
