"""Issue #17, point 7: "Quanto sono chiare le informazioni su questa pagina?" (the Designers Italia rating).
Answers are stored as counts per page, stars and reason: no person, address, session or free text; a
visitor answering too often is refused (429) and nothing is counted; bad input is a 400 in Italian; the
editors see the answers per page in the admin's reports."""
import pytest
from django.core.cache import cache
from lxml import html as lxml_html

from portal.feedback.models import PageRating
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_tree(db):
    return builders.tree()


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _doc(response):
    return lxml_html.fromstring(response.content.decode())


def _counts(page):
    return {(r.stars, r.reason): r.count for r in PageRating.objects.filter(page=page)}


def test_every_content_page_asks_how_clear_it_is_with_a_form_that_works_without_javascript(client, site_tree):
    news = builders.news(parent=site_tree["notizie"])
    tree = _doc(client.get(news.url))
    form = tree.xpath('//form[contains(@class, "page-rating")]')[0]
    assert form.get("method") == "post" and form.get("action") == f"/valutazione/{news.pk}/"
    legends = [" ".join(l.text_content().split()) for l in form.xpath(".//legend")]
    assert legends[0] == "Quanto sono chiare le informazioni su questa pagina?"
    assert [i.get("value") for i in form.xpath('.//input[@name="stars"]')] == ["1", "2", "3", "4", "5"]
    for radio in form.xpath('.//input[@type="radio"]'):  # every choice has its label
        assert form.xpath(f'.//label[@for="{radio.get("id")}"]'), radio.get("id")
    assert not form.xpath(".//textarea")  # no free text: nothing personal can be written in


def test_answers_are_counted_per_page_stars_and_reason_without_personal_data(client, site_tree):
    news = builders.news(parent=site_tree["notizie"])
    for data in ({"stars": "5", "reason": "chiare"}, {"stars": "5", "reason": "chiare"}, {"stars": "2", "reason": "incomplete"},
                 {"stars": "4"}):
        response = client.post(f"/valutazione/{news.pk}/", data, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
        assert "Grazie per il tuo riscontro" in response.content.decode()
    assert _counts(news) == {(5, "chiare"): 2, (2, "incomplete"): 1, (4, ""): 1}
    fields = {f.name for f in PageRating._meta.get_fields()}
    assert fields == {"id", "page", "month", "stars", "reason", "count"}  # what is kept, and nothing else


@pytest.mark.parametrize("data", [{"stars": "9"}, {"stars": ""}, {"stars": "2", "reason": "chiare"},
                                  {"stars": "4", "reason": "<script>"}])
def test_bad_answers_are_refused_in_italian_and_not_counted(client, site_tree, data):
    news = builders.news(parent=site_tree["notizie"])
    response = client.post(f"/valutazione/{news.pk}/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Scegli" in body or "non è valid" in body or "Seleziona" in body
    assert _counts(news) == {}


def test_pages_nobody_may_see_cannot_be_rated(client, site_tree):
    hidden = builders.news(parent=site_tree["notizie"])
    builders.restrict(hidden)
    draft = builders.news(parent=site_tree["notizie"], publish=False)
    for page in (hidden, draft):
        assert client.post(f"/valutazione/{page.pk}/", {"stars": "3"}).status_code == 404
    assert client.post("/valutazione/999999/", {"stars": "3"}).status_code == 404
    assert client.get(f"/valutazione/{site_tree['notizie'].pk}/").status_code == 405
    assert PageRating.objects.count() == 0


def test_a_visitor_answering_too_often_is_refused_and_not_counted(client, site_tree):
    from portal.feedback.views import LIMIT_PER_HOUR

    news = builders.news(parent=site_tree["notizie"])
    for _ in range(LIMIT_PER_HOUR):
        assert client.post(f"/valutazione/{news.pk}/", {"stars": "1"}, REMOTE_ADDR="198.51.100.4").status_code == 200
    refused = client.post(f"/valutazione/{news.pk}/", {"stars": "1"}, REMOTE_ADDR="198.51.100.4")
    assert refused.status_code == 429
    assert _counts(news) == {(1, ""): LIMIT_PER_HOUR}
    other = client.post(f"/valutazione/{news.pk}/", {"stars": "1"}, REMOTE_ADDR="198.51.100.5")
    assert other.status_code == 200  # another visitor is not held back


def test_editors_see_the_answers_per_page_in_the_admin_reports(client, site_tree, django_user_model):
    news = builders.news(parent=site_tree["notizie"], title="Notizia valutata")
    other = builders.news(parent=site_tree["notizie"], title="Notizia non valutata")
    for stars in ("5", "4", "3"):
        client.post(f"/valutazione/{news.pk}/", {"stars": stars})
    assert client.get("/admin/reports/valutazioni/").status_code in (302, 403)  # not for the public
    editor = django_user_model.objects.create_superuser("redazione", "redazione@example.org", "x-Password-1")
    client.force_login(editor)
    response = client.get("/admin/reports/valutazioni/")
    assert response.status_code == 200, response
    tree = _doc(response)
    rows = {" ".join(tr.xpath("./td")[0].text_content().split()): [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
            for tr in tree.xpath('//table[@class="listing"]/tbody/tr')}
    assert "Notizia valutata" in rows and "Notizia non valutata" not in rows
    assert rows["Notizia valutata"][1:3] == ["3", "4,0"]  # answers, average stars
