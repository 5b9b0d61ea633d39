"""Models: the search payload contract, URN:NIR identifiers, validation in Italian."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms import NEWSLETTER_TAG, norms_ids
from cms.models import (
    INDEXED_PAGE_MODELS,
    PAYLOAD_KEYS,
    NormPage,
    NormRelation,
    PracticePage,
    SeminarPage,
    Zona,
    model_for_content_type,
)
from tests import builders

pytestmark = pytest.mark.django_db


def test_taxonomies_loaded_by_migration():
    assert Zona.objects.count() == 28
    assert set(Zona.objects.values_list("azienda_usl", flat=True)) == {"nord-ovest", "centro", "sud-est"}
    counts = {a: Zona.objects.filter(azienda_usl=a).count() for a in ("nord-ovest", "centro", "sud-est")}
    assert counts == {"nord-ovest": 10, "centro": 8, "sud-est": 10}
    mugello = Zona.objects.get(slug="mugello")
    assert "Borgo San Lorenzo" in mugello.comuni_list and mugello.sds_status == "si"
    from cms.models import Topic

    assert Topic.objects.count() == 12
    assert Topic.objects.filter(slug="violenza-di-genere").exists()
    assert NEWSLETTER_TAG == "newsletter"


def test_search_payload_has_exactly_the_keys_for_every_type(site_tree):
    dgr = builders.norm(parent=site_tree["quadro-normativo"], number="544", date=date(2023, 5, 15))
    pages = [
        builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10), zones=[builders.zona()], topics=[builders.topic()], related_norms=[dgr]),
        builders.workshop(parent=site_tree["laboratori"], sessions=[builders.in_days(5)], zones=[builders.zona("pistoiese")]),
        builders.practice(parent=site_tree["buone-pratiche"], period_start=date(2023, 6, 1), related_norms=[dgr], tags=["newsletter"]),
        dgr,
        builders.data(parent=site_tree["dati"], zona=builders.zona("pistoiese"), period_end=date(2021, 12, 31)),
        builders.news(parent=site_tree["notizie"], date=date(2024, 3, 1)),
    ]
    kinds = set()
    for page in pages:
        payload = page.search_payload()
        assert tuple(sorted(payload)) == tuple(sorted(PAYLOAD_KEYS))
        assert payload["id"] == page.pk and payload["url"] == page.url
        kinds.add(payload["content_type"])
        assert isinstance(payload["body"], str)
        assert payload["year"] == (payload["date"].year if payload["date"] else None)
        assert model_for_content_type(payload["content_type"]) is type(page)
    assert kinds == {"seminar", "workshop", "practice", "norm", "data", "news"}
    assert {m.content_kind for m in INDEXED_PAGE_MODELS} == kinds

    seminar, workshop, practice, norm, figure, news = (p.search_payload() for p in pages)
    assert seminar["upcoming"] is True and workshop["upcoming"] is True and practice["upcoming"] is None
    assert seminar["zones"] == [{"id": builders.zona().pk, "name": "Val di Nievole", "slug": "val-di-nievole", "azienda_usl": "centro"}]
    assert seminar["topics"][0]["slug"] == "poverta-e-inclusione"
    assert "DGR 544/2023" in seminar["related_act_ids"] and "DGR 544/2023" in practice["related_act_ids"]
    assert seminar["act_ids"] == practice["act_ids"] == [] and norm["related_act_ids"] == []
    assert practice["facets"] == {"evaluation_level": "emergente"} and practice["tags"] == ["newsletter"]
    assert practice["date"] == date(2023, 6, 1)
    assert norm["act_ids"] == [
        "DGR 544/2023", "544/2023", "DGR 544", "delibera 544 del 2023",
        "urn:nir:regione.toscana:delibera.giunta:2023-05-15;544",
    ]
    assert figure["date"] == date(2021, 12, 31) and figure["zones"][0]["slug"] == "pistoiese"
    assert news["date"] == date(2024, 3, 1)


@pytest.mark.parametrize("kind,number,when,body,expected", [
    ("L.R.", "40", date(2005, 2, 24), "Consiglio regionale Toscana", "urn:nir:regione.toscana:legge:2005-02-24;40"),
    ("DGR", "544", date(2023, 5, 15), "Giunta regionale Toscana", "urn:nir:regione.toscana:delibera.giunta:2023-05-15;544"),
    ("D.Lgs", "147", date(2017, 9, 15), "Stato", "urn:nir:stato:decreto.legislativo:2017-09-15;147"),
    ("D.L.", "48", date(2023, 5, 4), "Stato", "urn:nir:stato:decreto.legge:2023-05-04;48"),
    ("Reg. UE", "2016/679", date(2016, 4, 27), "Parlamento europeo", "urn:nir:unione.europea:regolamento:2016-04-27;679"),
    ("DGR", "1442", None, "Giunta regionale Emilia-Romagna", "urn:nir:regione.emilia.romagna:delibera.giunta:2016;1442"),
])
def test_urn_nir(kind, number, when, body, expected):
    year = when.year if when else 2016
    assert norms_ids.build_urn(kind, number, when, year, norms_ids.authority_for(kind, body)) == expected


def test_norm_page_urn_saved_and_label(site_tree):
    page = builders.norm(parent=site_tree["quadro-normativo"], kind="L.R.", number="40", date=date(2005, 2, 24),
                  issuing_body="Consiglio regionale Toscana")
    page.refresh_from_db()
    assert page.urn == "urn:nir:regione.toscana:legge:2005-02-24;40"
    assert page.year == 2005 and page.label == "L.R. 40/2005"
    assert "legge regionale 40 del 2005" in page.identifiers()


def _errors(exc) -> str:
    return " ".join(str(m) for msgs in exc.value.message_dict.values() for m in msgs)


def test_seminar_end_before_start_refused(site_tree):
    start = timezone.now()
    page = SeminarPage(title="x", slug="x", summary="s", start=start, end=start - timedelta(hours=1))
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "La fine non può precedere l'inizio." in _errors(exc)


def test_practice_without_zona_refused(site_tree):
    page = PracticePage(title="x", slug="x", summary="s", owner_body="SdS")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "zona distretto" in _errors(exc)


def test_practice_period_end_before_start_refused():
    page = PracticePage(title="x", slug="x", summary="s", owner_body="SdS", zona=Zona.objects.first(),
                        period_start=date(2024, 1, 1), period_end=date(2023, 1, 1))
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "La fine non può precedere l'inizio." in _errors(exc)


@pytest.mark.parametrize("number", ["54a", "12/34/56", "abc", "2015/679"])
def test_malformed_norm_number_refused(number):
    page = NormPage(title="x", slug="x", summary="s", kind="Reg. UE" if "/" in number else "DGR", number=number,
                    date=date(2016, 4, 27), issuing_body="Giunta")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    message = _errors(exc)
    assert "Numero non valido" in message or "non corrisponde all'anno" in message


def test_missing_number_refused_for_dgr_but_allowed_for_dm():
    dgr = NormPage(title="x", slug="x", summary="s", kind="DGR", number="", date=date(2020, 1, 1), issuing_body="G")
    with pytest.raises(ValidationError) as exc:
        dgr.full_clean()
    assert "Il numero è obbligatorio" in _errors(exc)
    dm = NormPage(title="x", slug="y", summary="s", kind="D.M.", number="", date=date(2021, 11, 5), issuing_body="Ministero del Lavoro")
    dm.clean()  # no error
    assert dm.compute_urn() == "urn:nir:ministero.lavoro:decreto:2021-11-05"


def test_duplicate_norm_number_same_kind_and_year_refused(site_tree):
    builders.norm(parent=site_tree["quadro-normativo"], number="544", date=date(2023, 5, 15))
    twin = NormPage(title="x", slug="dup", summary="s", kind="DGR", number="544", date=date(2023, 9, 1), issuing_body="G")
    with pytest.raises(ValidationError) as exc:
        twin.full_clean()
    assert "Esiste già un atto DGR 544/2023" in _errors(exc)
    other_year = NormPage(title="x", slug="dup2", summary="s", kind="DGR", number="544", date=date(2024, 1, 10), issuing_body="G")
    other_year.clean()  # same number, another year: fine


def test_norm_without_date_or_year_refused():
    page = NormPage(title="x", slug="x", summary="s", kind="DGR", number="1", issuing_body="G")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "Indicare la data" in _errors(exc)


def test_norm_related_to_itself_refused(site_tree):
    page = builders.norm(parent=site_tree["quadro-normativo"])
    relation = NormRelation(source=page, target=page, kind="modifica")
    with pytest.raises(ValidationError) as exc:
        relation.full_clean()
    assert "Un atto non può essere in relazione con se stesso." in _errors(exc)
    page.outgoing_relations = [NormRelation(target=page, kind="richiama")]
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "Un atto non può essere in relazione con se stesso." in _errors(exc)


def test_relations_shown_from_both_sides(site_tree):
    parent = site_tree["quadro-normativo"]
    old = builders.norm(parent=parent, kind="L.R.", number="40", date=date(2005, 2, 24))
    new = builders.norm(parent=parent, kind="L.R.", number="11", date=None, year=2017)
    NormRelation.objects.create(source=new, target=old, kind="modifica")
    assert [(str(label), n.pk) for label, n in new.relations_both_sides()] == [("modifica", old.pk)]
    assert [(str(label), n.pk) for label, n in old.relations_both_sides()] == [("modificata da", new.pk)]


def test_choice_list_field_rejects_unknown_values():
    page = PracticePage(title="x", slug="x", summary="s", owner_body="SdS", zona=Zona.objects.first(),
                        funding_sources=["pnrr", "bitcoin"])
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "bitcoin" in _errors(exc)
    page.funding_sources = ["pnrr", "fondo_poverta"]
    assert [str(x) for x in page.funding_labels()] == ["PNRR", "Fondo Povertà"]
