"""The acts of cms/data/norme.csv as NormPage, with summaries and relations written for the demo."""
import csv
from datetime import date
from pathlib import Path

from django.utils.text import slugify

from cms.demo.builder import ensure_page, topics
from cms.models import NormPage, NormRelation

DATA = Path(__file__).resolve().parent.parent / "data" / "norme.csv"

# (kind, number, year) -> (summary, status, topic slugs, tags)
NOTES = {
    ("DGR", "917", 2021): (
        "Definisce compiti e organizzazione del Tavolo regionale della Rete della protezione e dell'inclusione "
        "sociale: il luogo in cui Regione, Zone distretto e parti sociali coordinano le politiche contro la povertà. "
        "La sua Cabina di regia promuove anche la Comunità di Pratica.",
        "vigente", ["poverta-e-inclusione"], ["rete inclusione"],
    ),
    ("DGR", "544", 2023): (
        "Linee guida regionali per l'integrazione tra servizi sociali e servizi per il lavoro. Istituiscono il "
        "Servizio Integrato Inclusione Lavoro (SIIL) e l'équipe multidisciplinare sociale-lavoro, invitando i "
        "territori a dotarsi di accordi operativi adattati alle proprie caratteristiche.",
        "vigente", ["integrazione-sociale-lavoro", "equipe-multidisciplinari"], ["newsletter", "SIIL"],
    ),
    ("DGR", "1627", 2024): (
        "Linee guida operative per il funzionamento delle équipe multidisciplinari: composizione, ruoli, strumenti "
        "comuni e modalità di raccordo tra i servizi che seguono le stesse persone.",
        "vigente", ["equipe-multidisciplinari"], ["newsletter"],
    ),
    ("DGR", "998", 2018): (
        "Piano regionale per la lotta alla povertà: programma l'uso delle risorse nazionali per il contrasto alla "
        "povertà e prevede il Tavolo regionale della Rete della protezione e dell'inclusione sociale.",
        "vigente", ["poverta-e-inclusione"], [],
    ),
    ("L.R.", "40", 2005): (
        "Legge sul servizio sanitario regionale. Disciplina le zone-distretto (art. 64) e le Società della Salute "
        "(artt. 71-bis e seguenti), cioè gli ambiti in cui si programmano insieme servizi sociali e sanitari.",
        "modificata", ["non-autosufficienza-e-domiciliarita"], ["zone distretto"],
    ),
    ("L.R.", "41", 2005): (
        "Legge sul sistema integrato di interventi e servizi sociali: diritti di cittadinanza sociale, livelli di "
        "assistenza, ruolo dei Comuni e delle zone nella programmazione.",
        "modificata", ["poverta-e-inclusione"], [],
    ),
    ("L.R.", "11", 2017): (
        "Ridisegna gli ambiti territoriali delle zone-distretto, riducendole da 34 a 26, e modifica di conseguenza "
        "le leggi regionali 40 e 41 del 2005.",
        "vigente", [], ["zone distretto"],
    ),
    ("D.Lgs", "147", 2017): (
        "Introduce una misura nazionale di contrasto alla povertà e, all'articolo 21, la Rete della protezione e "
        "dell'inclusione sociale, con i suoi tavoli regionali e territoriali.",
        "modificata", ["poverta-e-inclusione"], [],
    ),
    ("D.Lgs", "117", 2017): (
        "Codice del Terzo settore. L'articolo 55 fonda la coprogrammazione e la coprogettazione tra "
        "amministrazioni pubbliche ed enti del Terzo settore.",
        "vigente", ["terzo-settore-e-coprogettazione"], [],
    ),
    ("D.L.", "48", 2023): (
        "Misure urgenti per l'inclusione sociale e il lavoro: introduce l'Assegno di Inclusione, in vigore dal "
        "1° gennaio 2024, e il Supporto per la Formazione e il Lavoro, attivo dal 1° settembre 2023.",
        "vigente", ["poverta-e-inclusione", "integrazione-sociale-lavoro"], ["newsletter"],
    ),
    ("D.M.", "", 2021): (
        "Adotta il Programma nazionale Garanzia Occupabilità dei Lavoratori (GOL). Il percorso 4 riguarda il "
        "lavoro e l'inclusione delle persone con bisogni complessi, in raccordo con i servizi sociali.",
        "vigente", ["integrazione-sociale-lavoro"], ["GOL"],
    ),
    ("Reg. UE", "2016/679", 2016): (
        "Regolamento generale sulla protezione dei dati personali. Per le équipe multidisciplinari fissa i principi "
        "da rispettare nello scambio di informazioni: minimizzazione, finalità, sicurezza, riservatezza.",
        "vigente", [], ["privacy"],
    ),
    ("DGR", "1442", 2016): (
        "Delibera della Giunta dell'Emilia-Romagna sulla Conferenza Territoriale Sociale e Sanitaria Metropolitana "
        "di Bologna: un riferimento extra-regionale sul coordinamento metropolitano del welfare.",
        "vigente", ["terzo-settore-e-coprogettazione"], ["esperienze extra-regionali"],
    ),
}

# (source, kind, target) using (kind, number, year) keys
RELATIONS = [
    (("L.R.", "11", 2017), "modifica", ("L.R.", "40", 2005)),
    (("L.R.", "11", 2017), "modifica", ("L.R.", "41", 2005)),
    (("DGR", "998", 2018), "attua", ("D.Lgs", "147", 2017)),
    (("DGR", "917", 2021), "attua", ("D.Lgs", "147", 2017)),
    (("DGR", "917", 2021), "richiama", ("DGR", "998", 2018)),
    (("DGR", "1627", 2024), "richiama", ("DGR", "544", 2023)),
]


def _row_key(row):
    return row["tipo"], row["numero"], int(row["data"][:4])


def _slug(kind, number, year):
    return slugify(f"{kind} {number.replace('/', '-')} {year}") if number else slugify(f"{kind} {year}")


def read_rows():
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_norms(parent, progress=None) -> dict:
    """Create the norms of norme.csv under the Quadro normativo; returns {(kind, number, year): page}."""
    pages = {}
    for row in read_rows():
        key = _row_key(row)
        kind, number, year = key
        summary, status, topic_slugs, tags = NOTES.get(key, (row["titolo"], "vigente", [], []))
        raw_date = row["data"]
        when = date.fromisoformat(raw_date) if len(raw_date) == 10 else None
        page, _ = ensure_page(
            parent, NormPage, _slug(kind, number, year),
            title=row["titolo"], kind=kind, number=number, date=when, year=year,
            issuing_body=row["ente"], status=status, summary=summary, note=row.get("nota") or "",
            m2m={"topics": topics(*topic_slugs)}, tags=tags,
        )
        pages[key] = page
        if progress:
            progress.update(1)
    changed = set()
    for source_key, kind, target_key in RELATIONS:
        source, target = pages[source_key], pages[target_key]
        if not NormRelation.objects.filter(source=source, target=target, kind=kind).exists():
            NormRelation.objects.create(source=source, target=target, kind=kind)
            changed.add(source.pk)
    for pk in changed:  # publish a revision that includes the relations, so editors see them
        NormPage.objects.get(pk=pk).save_revision().publish()
    return pages


def norm_count() -> int:
    return len(read_rows())

