"""Bulk work (issue #18, item 6): norms and data series imported from CSV with a preview; errors
in Italian, row by row, and then nothing is created; cells safe when exported again."""
from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.models import DataPage, NormPage
from cms.permissions import ensure_page_permissions
from tests import builders
from tests.cms.test_permissions import make_user

pytestmark = pytest.mark.django_db

NORMS = """tipo;numero;data;anno;ente;titolo;sommario;stato;fonte_ufficiale;aree_tematiche
DGR;1201;18/03/2024;;Giunta regionale Toscana;Indirizzi per l'équipe sociale-lavoro;Cosa cambia per le équipe.;vigente;https://www.regione.toscana.it/burt;Povertà e inclusione
L.R.;41;;2005;Consiglio regionale;Sistema integrato di interventi;La legge quadro dei servizi sociali.;;;
"""


@pytest.fixture
def editor(site_tree, client):
    ensure_page_permissions()
    client.force_login(make_user("redattrice", "Redattore"))
    return client


def _upload(client, kind, text, publish=False, name="file.csv"):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")}
    if publish:
        data["publish"] = "on"
    return client.post(reverse("cms_import:import", args=[kind]), data)


def _confirm(client, kind, preview):
    confirm = preview.context["confirm"]
    return client.post(reverse("cms_import:import", args=[kind]), {
        "confirm": "1", "content": confirm.initial["content"], "publish": "True" if confirm.initial["publish"] else ""})


def test_norms_are_previewed_then_created(editor):
    preview = _upload(editor, "norme", NORMS)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Anteprima: 2 pagine da creare" in html and "DGR 1201/2024" in html and "L.R. 41/2005" in html
    assert not NormPage.objects.filter(number__in=["1201", "41"]).exists(), "the preview creates nothing"
    done = _confirm(editor, "norme", preview)
    assert done.status_code == 302
    dgr = NormPage.objects.get(kind="DGR", number="1201")
    assert not dgr.live and dgr.year == 2024 and [t.name for t in dgr.topics.all()] == ["Povertà e inclusione"]
    assert NormPage.objects.get(kind="L.R.", number="41").year == 2005


def test_published_when_asked(editor):
    _confirm(editor, "norme", _upload(editor, "norme", NORMS, publish=True))
    assert NormPage.objects.get(kind="DGR", number="1201").live


def test_errors_per_row_in_italian_and_nothing_created(editor, site_tree):
    builders.norm(parent=site_tree["quadro-normativo"], number="77", date=datetime.date(2022, 1, 10))
    text = NORMS + (
        "DGX;12;2024-01-01;;Giunta;Un tipo sbagliato;Sintesi.;;;\n"
        "DGR;77;2022-02-01;;Giunta regionale Toscana;Già presente;Sintesi.;;;\n"
        "DGR;1300;31/02/2024;;Giunta regionale Toscana;Data impossibile;;;;Tema inventato\n"
    )
    response = _upload(editor, "norme", text)
    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 3
    assert errors[0].startswith("Riga 4:") and "tipo «DGX» non previsto" in errors[0]
    assert errors[1].startswith("Riga 5:") and "Esiste già un atto DGR 77/2022" in errors[1]
    assert errors[2].startswith("Riga 6:") and "data «31/02/2024» non valida" in errors[2]
    assert "sommario" in errors[2] and "area tematica «Tema inventato» sconosciuta" in errors[2]
    assert "Nessuna pagina è stata creata" in response.content.decode()
    assert not NormPage.objects.filter(number__in=["1201", "41", "1300"]).exists()


def test_a_tampered_confirmation_is_checked_again(editor):
    response = editor.post(reverse("cms_import:import", args=["norme"]), {"confirm": "1", "content": "tipo;titolo\nDGR;x\n"})
    assert response.status_code == 400 and "Mancano le colonne: sommario, ente." in response.context["errors"]
    assert not NormPage.objects.filter(title="x").exists()


def test_missing_columns_and_not_a_csv(editor):
    response = _upload(editor, "dati", "indicatore,valore\nPersone,3\n")
    assert response.status_code == 400 and response.context["errors"] == ["Mancano le colonne: periodo, fonte."]
    refused = _upload(editor, "dati", "MZ\x00\x00binary", name="dati.exe")
    assert refused.status_code == 400 and "Tipo di file non ammesso" in refused.context["errors"][0]


def test_a_data_series_is_imported_and_draws_a_chart(editor, client):
    text = ("indicatore,valore,unita,periodo,fine,zona,fonte\n"
            "Nuclei seguiti dall'équipe,\"1.250,5\",nuclei,2023,2023-12-31,Mugello,Ufficio di piano\n"
            "Nuclei seguiti dall'équipe,1400,nuclei,2024,2024-12-31,mugello,Ufficio di piano\n")
    done = _confirm(editor, "dati", _upload(editor, "dati", text, publish=True))
    assert done.status_code == 302
    pages = DataPage.objects.filter(indicator="Nuclei seguiti dall'équipe").order_by("period_end")
    assert [str(p.value) for p in pages] == ["1250.50", "1400.00"]
    assert all(p.live and p.zona.slug == "mugello" for p in pages)
    assert pages[0].title == "Nuclei seguiti dall'équipe – Mugello – 2023"
    assert len(list(pages[1].series())) == 2
    again = _upload(editor, "dati", text)
    assert again.status_code == 400 and "è già nel portale" in again.context["errors"][0]


def test_the_exported_series_can_be_imported_again_with_cells_made_safe(editor, site_tree):
    page = builders.data(parent=site_tree["dati"], indicator="=HYPERLINK(\"http://x\")", zona=builders.zona("mugello"),
                          period_label="2021", period_end=datetime.date(2021, 12, 31))
    exported = editor.get(reverse("cms:data_series_csv", args=[page.pk])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported, "a formula-like cell is made safe when exported"
    header, row = exported.strip().splitlines()
    new_row = row.replace(";2021;", ";2022;")
    preview = _upload(editor, "dati", f"{header}\n{new_row}\n")
    assert preview.status_code == 200, preview.context["errors"]
    _confirm(editor, "dati", preview)
    imported = DataPage.objects.get(period_label="2022", zona__slug="mugello")
    assert imported.indicator == page.indicator, "the apostrophe added by the export is not kept"


def test_a_referente_cannot_import(site_tree, client):
    ensure_page_permissions()
    client.force_login(make_user("ref", "Referente di Zona", builders.zona("mugello")))
    for url in (reverse("cms_import:import", args=["norme"]), reverse("cms_import:index")):
        response = client.get(url)  # Wagtail's answer to PermissionDenied in the admin: back home with a message
        assert response.status_code == 302 and response.url == "/admin/"
    client.post(reverse("cms_import:import", args=["norme"]), {"confirm": "1", "content": NORMS})
    assert not NormPage.objects.filter(number="1201").exists()


def test_the_example_file_imports_cleanly(editor):
    example = editor.get(reverse("cms_import:example", args=["norme"])).content.decode("utf-8-sig")
    assert _upload(editor, "norme", example).status_code == 200
