"""Figures of the report "Welfare e salute in Toscana 2021" (and one zona figure) as DataPage."""
from datetime import date
from decimal import Decimal

from cms.demo.builder import ensure_page, topics, zones
from cms.models import DataPage

SOURCE = "Regione Toscana, Welfare e salute in Toscana 2021"

# slug, title, indicator, value, unit, period label, start, end, topic slugs, key figure, tags, summary
FIGURES = [
    ("fnps-ripartito-2019-2020", "Fondo Nazionale Politiche Sociali ripartito nel 2019-2020",
     "Fondo Nazionale Politiche Sociali ripartito", "51599773", "euro", "2019-2020",
     date(2019, 1, 1), date(2020, 12, 31), ["poverta-e-inclusione"], True, ["newsletter"],
     "Le risorse del Fondo Nazionale Politiche Sociali distribuite alle zone nel biennio, compresa la quota "
     "straordinaria legata all'emergenza sanitaria."),
    ("fnps-trasferimento-ordinario-2019-2020", "FNPS: trasferimento ordinario 2019-2020",
     "FNPS - trasferimento ordinario", "45917191", "euro", "2019-2020",
     date(2019, 1, 1), date(2020, 12, 31), ["poverta-e-inclusione"], False, [],
     "La parte del Fondo Nazionale Politiche Sociali trasferita ai territori in via ordinaria."),
    ("fondo-solidarieta-interistituzionale-2019-2020", "Fondo di Solidarietà Interistituzionale 2019-2020",
     "FNPS - Fondo di Solidarietà Interistituzionale", "5682581", "euro", "2019-2020",
     date(2019, 1, 1), date(2020, 12, 31), ["poverta-e-inclusione", "emergenza-urgenza-sociale"], False, [],
     "La quota trasferita per gli interventi sociali attivati sul territorio durante l'emergenza COVID-19."),
    ("por-fse-sostegno-fasce-deboli", "POR FSE: azioni integrate per le fasce più deboli",
     "Avviso POR FSE «Azioni di sostegno integrate» - importo", "29999800", "euro", "2020-2021",
     date(2020, 1, 1), date(2021, 12, 31), ["poverta-e-inclusione", "abitare"], True, [],
     "Affitto, sostegno alimentare e assistenza a domicilio anche per persone positive al COVID-19: 26 "
     "progetti, uno per ciascuna zona distretto."),
    ("por-fse-sostegno-fasce-deboli-progetti", "POR FSE: progetti per le fasce più deboli",
     "Avviso POR FSE «Azioni di sostegno integrate» - progetti", "26", "progetti", "2020-2021",
     date(2020, 1, 1), date(2021, 12, 31), ["poverta-e-inclusione"], False, [],
     "Un progetto per ogni zona distretto allora esistente."),
    ("por-fse-domiciliarita", "POR FSE: sostegno alla domiciliarità",
     "Avviso POR FSE «Sostegno alla domiciliarità» - importo", "12312269", "euro", "2020-2021",
     date(2020, 1, 1), date(2021, 12, 31), ["non-autosufficienza-e-domiciliarita"], False, [],
     "26 progetti zonali per le persone con autonomia limitata: percorsi per la demenza lieve o moderata e "
     "ampliamento dell'assistenza familiare."),
    ("fsc-cure-domiciliari", "FSC: sostegno ai servizi di cura domiciliari",
     "Avviso FSC «Sostegno ai servizi di cura domiciliari» - importo", "12760670", "euro", "2020-2021",
     date(2020, 1, 1), date(2021, 12, 31), ["non-autosufficienza-e-domiciliarita"], False, [],
     "25 progetti zonali su continuità ospedale-territorio, demenza e assistenza familiare."),
    ("misura-straordinaria-affitti-nuclei", "Affitti: nuclei familiari sostenuti dalla misura straordinaria",
     "Misura straordinaria canoni di locazione - nuclei beneficiari", "17825", "nuclei familiari", "2020",
     date(2020, 1, 1), date(2020, 12, 31), ["abitare"], True, ["newsletter"],
     "Le famiglie che hanno ricevuto un aiuto per pagare l'affitto con la misura straordinaria e urgente."),
    ("misura-straordinaria-affitti-risorse", "Affitti: risorse della misura straordinaria",
     "Misura straordinaria canoni di locazione - risorse erogate", "11000000", "euro", "2020",
     date(2020, 1, 1), date(2020, 12, 31), ["abitare"], False, [],
     "Le risorse erogate per i canoni di locazione con la misura straordinaria."),
    ("por-fse-affitto", "POR FSE Asse B: contributi per l'affitto",
     "POR FSE Asse B - risorse per l'affitto", "13300000", "euro", "2020-2021",
     date(2020, 1, 1), date(2021, 12, 31), ["abitare"], False, [],
     "Le risorse dell'avviso POR FSE per le fasce deboli destinate al pagamento dell'affitto."),
    ("economia-sociale-soggetti", "Soggetti dell'economia sociale in Toscana",
     "Soggetti dell'economia sociale", "27000", "soggetti", "2021",
     date(2021, 1, 1), date(2021, 12, 31), ["terzo-settore-e-coprogettazione"], True, [],
     "Quasi 27.000 soggetti riconducibili all'economia sociale, di cui oltre 7.000 enti del Terzo settore."),
    ("enti-terzo-settore", "Enti del Terzo settore formalizzati",
     "Enti del Terzo settore formalizzati", "7000", "enti", "2021",
     date(2021, 1, 1), date(2021, 12, 31), ["terzo-settore-e-coprogettazione"], False, [],
     "Gli enti del Terzo settore formalizzati destinati a confluire nel Registro unico nazionale (RUNTS)."),
    ("avviso-sociale-2020-enti", "Avviso contributi in ambito sociale 2020: enti finanziati",
     "Avviso contributi in ambito sociale - enti finanziati", "428", "enti", "2020",
     date(2020, 1, 1), date(2020, 12, 31), ["terzo-settore-e-coprogettazione"], False, [],
     "Organizzazioni di volontariato e associazioni di promozione sociale sostenute nel primo anno di pandemia."),
    ("avviso-sociale-2021-enti", "Avviso contributi in ambito sociale 2021: enti finanziati",
     "Avviso contributi in ambito sociale - enti finanziati", "2165", "enti", "2021",
     date(2021, 1, 1), date(2021, 12, 31), ["terzo-settore-e-coprogettazione"], False, ["newsletter"],
     "Nel 2021 l'avviso si è aperto anche alle fondazioni del Terzo settore."),
    ("avviso-sociale-2020-contributi", "Avviso contributi in ambito sociale 2020: contributi concessi",
     "Avviso contributi in ambito sociale - contributi concessi", "4053286", "euro", "2020",
     date(2020, 1, 1), date(2020, 12, 31), ["terzo-settore-e-coprogettazione"], False, [],
     "I contributi alle associazioni per fronteggiare le conseguenze sociali dell'emergenza."),
    ("avviso-sociale-2021-contributi", "Avviso contributi in ambito sociale 2021: contributi concessi",
     "Avviso contributi in ambito sociale - contributi concessi", "7097841", "euro", "2021",
     date(2021, 1, 1), date(2021, 12, 31), ["terzo-settore-e-coprogettazione"], False, [],
     "I contributi concessi agli enti del Terzo settore con l'avviso 2021."),
]


def load_figures(parent, progress=None):
    for slug, title, indicator, value, unit, label, start, end, topic_slugs, key, tags, summary in FIGURES:
        ensure_page(
            parent, DataPage, slug, title=title, indicator=indicator, value=Decimal(value), unit=unit,
            period_label=label, period_start=start, period_end=end, source=SOURCE, summary=summary,
            is_key_figure=key, m2m={"topics": topics(*topic_slugs)}, tags=tags,
        )
        if progress:
            progress.update(1)
    ensure_page(
        parent, DataPage, "sds-pistoiese-comuni", title="Comuni della Società della Salute Pistoiese",
        indicator="Comuni associati nella Società della Salute", value=Decimal(9), unit="comuni",
        period_label="2022", period_end=date(2022, 10, 31), zona=zones("pistoiese")[0],
        source="Società della Salute Pistoiese, progetto di potenziamento dell'integrazione",
        summary="La SdS Pistoiese riunisce nove Comuni della zona insieme all'Azienda USL Toscana Centro.",
        m2m={"topics": topics("non-autosufficienza-e-domiciliarita")},
    )
    if progress:
        progress.update(1)


def figure_count() -> int:
    return len(FIGURES) + 1
