"""Initial data: the 28 Zone distretto (cms/data/zone-distretto.csv) and the 12 aree tematiche.

Loaded as rows, not code: editors correct names, comuni and SdS status in the admin.
Re-running only adds what is missing.
"""
import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "zone-distretto.csv"
AUSL = {"toscana nord ovest": "nord-ovest", "toscana centro": "centro", "toscana sud est": "sud-est"}
SDS = {"si": "si", "sì": "si", "no": "no", "da verificare": "da_verificare"}

TOPICS = [
    ("Povertà e inclusione", "poverta-e-inclusione",
     "Misure di contrasto alla povertà, presa in carico dei nuclei fragili, Assegno di Inclusione e percorsi di inclusione attiva."),
    ("Integrazione sociale-lavoro", "integrazione-sociale-lavoro",
     "Percorsi che tengono insieme servizi sociali, centri per l'impiego e formazione per l'inserimento lavorativo delle persone fragili."),
    ("Minori e famiglie", "minori-e-famiglie",
     "Sostegno alla genitorialità, tutela dei minori, prevenzione dell'allontanamento e servizi educativi."),
    ("Abitare", "abitare",
     "Emergenza abitativa, housing sociale, accompagnamento all'autonomia abitativa e contrasto alla grave marginalità."),
    ("Équipe multidisciplinari", "equipe-multidisciplinari",
     "Composizione, regole di funzionamento e strumenti delle équipe che riuniscono professionisti di servizi diversi."),
    ("Terzo settore e coprogettazione", "terzo-settore-e-coprogettazione",
     "Coprogrammazione e coprogettazione con gli enti del Terzo settore, reti territoriali e amministrazione condivisa."),
    ("Non autosufficienza e domiciliarità", "non-autosufficienza-e-domiciliarita",
     "Assistenza domiciliare, sostegno ai caregiver, percorsi per le persone anziane e non autosufficienti."),
    ("Salute mentale e dipendenze", "salute-mentale-e-dipendenze",
     "Integrazione tra servizi sociali, salute mentale e servizi per le dipendenze nei percorsi di cura e inclusione."),
    ("Emergenza-urgenza sociale", "emergenza-urgenza-sociale",
     "Pronto intervento sociale e risposte tempestive alle situazioni di crisi, anche fuori dagli orari dei servizi."),
    ("Migrazioni", "migrazioni",
     "Accoglienza e inclusione delle persone di origine straniera, mediazione linguistico-culturale, protezione internazionale."),
    ("Violenza di genere", "violenza-di-genere",
     "Prevenzione e contrasto della violenza contro le donne, reti antiviolenza e percorsi di uscita."),
    ("Disabilità", "disabilita",
     "Progetti di vita, inclusione lavorativa e sociale, vita indipendente delle persone con disabilità."),
]


def load(apps, schema_editor):
    Zona = apps.get_model("cms", "Zona")
    Topic = apps.get_model("cms", "Topic")
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["nome"].strip()
            comuni = "\n".join(c.strip() for c in (row.get("comuni_noti") or "").split(";") if c.strip())
            Zona.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name,
                    "azienda_usl": AUSL[row["azienda_usl"].strip().lower()],
                    "sds_status": SDS.get(row["societa_della_salute"].strip().lower(), "da_verificare"),
                    "comuni": comuni,
                    "note": (row.get("nota") or "").strip(),
                },
            )
    for name, slug, description in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_page_types")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
