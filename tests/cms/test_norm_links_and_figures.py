"""Issue #17, point 5: norms link to their official text; data cards and pages show value, source and
period; series have a chart readable on a phone, a table and a CSV download; numbers keep together."""
import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from lxml import html as lxml_html

from cms import charts
from cms.norms_ids import normattiva_url
from tests import builders

pytestmark = pytest.mark.django_db


def _doc(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content.decode())


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _official_links(tree):
    return tree.xpath('//a[contains(@class, "norm-official-link")]/@href')


def test_national_act_links_to_normattiva_by_urn(client, site_tree):
    dlgs = builders.norm(parent=site_tree["quadro-normativo"], kind="D.Lgs", number="147", date=date(2017, 9, 15), issuing_body="Stato")
    assert dlgs.urn == "urn:nir:stato:decreto.legislativo:2017-09-15;147"
    assert _official_links(_doc(client, dlgs.url)) == [
        "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:2017-09-15;147"]


def test_act_without_full_date_or_regional_links_only_when_the_field_is_set(client, site_tree):
    year_only = builders.norm(parent=site_tree["quadro-normativo"], kind="D.Lgs", number="117", date=None, year=2017, issuing_body="Stato")
    regional = builders.norm(parent=site_tree["quadro-normativo"], kind="L.R.", number="40", date=date(2005, 2, 24),
                      issuing_body="Consiglio regionale Toscana")
    for norm in (year_only, regional):
        tree = _doc(client, norm.url)
        assert _official_links(tree) == []
        assert "Testo ufficiale non disponibile" in _text(tree.xpath('//dl[contains(@class, "definition-list")]')[0])
    official = "https://raccoltanormativa.consiglio.regione.toscana.it/articolo?urndoc=urn:nir:regione.toscana:legge:2005-02-24;40"
    regional.full_text_url = official
    regional.save_revision().publish()
    assert _official_links(_doc(client, regional.url)) == [official]


def test_normattiva_url_only_for_state_primary_acts_with_date_and_number():
    urn = "urn:nir:stato:decreto.legge:2023-05-04;48"
    assert normattiva_url("D.L.", "48", date(2023, 5, 4), urn) == "https://www.normattiva.it/uri-res/N2Ls?" + urn
    assert normattiva_url("DGR", "544", date(2023, 5, 15), "urn:nir:regione.toscana:delibera.giunta:2023-05-15;544") == ""
    assert normattiva_url("D.L.", "", date(2023, 5, 4), "urn:nir:stato:decreto.legge:2023-05-04") == ""
    assert normattiva_url("D.L.", "48", None, "urn:nir:stato:decreto.legge:2023;48") == ""


def test_data_card_and_page_show_value_source_and_period(client, site_tree):
    figure = builders.data(parent=site_tree["dati"], value=Decimal("51599773"), unit="euro", period_label="2019-2020",
                    source="Regione Toscana, Welfare e salute in Toscana 2021")
    card = _doc(client, site_tree["dati"].url).xpath(f'//article[.//a[@href="{figure.url}"]]')[0]
    assert _text(card.xpath('.//*[contains(@class, "card-figure")]')[0]) == "51.599.773 euro"
    assert "2019-2020" in _text(card) and "Fonte: Regione Toscana, Welfare e salute in Toscana 2021" in _text(card)

    tree = _doc(client, figure.url)
    key = tree.xpath('//p[contains(@class, "key-figure")]')[0]
    assert key.xpath('./span[@class="figure-number"]/text()') == ["51.599.773"]  # kept on one line by cms.css
    facts = {_text(dt): _text(dt.getnext()) for dt in tree.xpath('//dl[contains(@class, "definition-list")]/dt')}
    assert facts["Periodo"] == "2019-2020" and facts["Fonte"] == figure.source and facts["Territorio"] == "Toscana"


def test_series_has_chart_table_and_csv_with_every_point(client, site_tree):
    indicator = "Avviso contributi in ambito sociale - enti finanziati"
    first = builders.data(parent=site_tree["dati"], indicator=indicator, value=Decimal(428), unit="enti", period_label="2020",
                   period_end=date(2020, 12, 31), source="Fonte A")
    second = builders.data(parent=site_tree["dati"], indicator=indicator, value=Decimal("2165.5"), unit="enti", period_label="2021",
                    period_end=date(2021, 12, 31), source="Fonte A")
    hidden = builders.data(parent=site_tree["dati"], indicator=indicator, value=Decimal(1), period_label="2022", period_end=date(2022, 12, 31))
    builders.restrict(hidden)

    tree = _doc(client, second.url)
    svg = tree.xpath('//section[contains(@class, "figure-chart")]//*[local-name()="svg"]')[0]
    assert svg.get("role") == "img"
    assert [_text(t) for t in svg.xpath('.//*[local-name()="text"][@class="chart-label"]')] == ["2020", "2021"]
    rows = [[_text(c) for c in tr.xpath("./th|./td")] for tr in tree.xpath('//section[contains(@class, "figure-chart")]//tbody/tr')]
    assert rows == [["2020", "428 enti"], ["2021", "2.165,50 enti"]]

    link = tree.xpath('//a[contains(@class, "data-csv")]/@href')[0]
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["indicatore", "territorio", "periodo", "inizio", "fine", "valore", "unità di misura", "fonte"]
    assert [(r[2], r[5], r[7]) for r in table[1:]] == [("2020", "428", "Fonte A"), ("2021", "2165,5", "Fonte A")]
    assert client.get(f"/dati/{hidden.pk}/serie.csv").status_code == 404  # members only: not for anonymous visitors
    assert client.get("/dati/999999/serie.csv").status_code == 404


def test_chart_labels_stay_readable_on_a_375px_phone():
    """The SVG is drawn at the phone column's width, so its text is never scaled below 12 px there."""
    svg = charts.bar_chart([("Fondo Nazionale Politiche Sociali ripartito", Decimal("51599773"), "euro"),
                            ("FNPS - trasferimento ordinario", Decimal("45917191"), "euro")], "FNPS", "c")
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    font = int(re.search(r"font:(\d+)px", svg).group(1))
    column = 375 - 2 * 12  # Bootstrap's container padding at 375 px
    scale = min(1, column / width)
    assert font * scale >= 12, (font, width, scale)
    assert "51.599.773 euro" in svg
    tree = lxml_html.fromstring(svg)
    for label in tree.xpath('//text[@class="chart-label"]'):
        assert len(label.text) * charts.CHAR_PX <= width  # a label fits its line

