"""What a new, empty portal needs before editors start: the site's frame, no demo items.

``setup_site()`` (``manage.py setup_site``) creates, when missing, the section index pages
of the main menu and the community page, the privacy notice and the accessibility
statement (as templates: the fields only the body that runs the portal can fill in are
marked ``[DA COMPLETARE: ...]`` and listed by the command), and the reference norms of the
regional framework (``cms/data/norme.csv``). The 28 Zone distretto and the topics come with
the migrations (``cms/migrations/0004_load_taxonomies``): it checks they are there.
It is idempotent: pages that exist are left as editors changed them. ``load_demo`` runs it
first and adds the demo items on top.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

TODO = "[DA COMPLETARE: {}]"
EXPECTED_ZONES = 28


def _todo(what: str) -> str:
    return TODO.format(what)


PRIVACY_BODY = [
    ("paragraph",
     "<p>Informativa ai sensi degli articoli 13 e 14 del Regolamento (UE) 2016/679 (GDPR) per chi usa il portale "
     "della Comunità di Pratica per l'inclusione sociale in Toscana.</p>"),
    ("heading", "Titolare del trattamento"),
    ("paragraph", f"<p>{_todo('denominazione, sede, PEC e telefono dell’ente titolare')}</p>"),
    ("heading", "Responsabile della protezione dei dati"),
    ("paragraph", f"<p>{_todo('nome o ufficio e indirizzo email del Responsabile della protezione dei dati (RPD/DPO)')}</p>"),
    ("heading", "Quali dati, per quali finalità e su quale base giuridica"),
    ("paragraph",
     "<ul><li><b>Account</b>: email, nome, ente, ruolo e zona distretto, per riconoscerti come operatore e aprirti "
     "i contenuti riservati (art. 6.1.b GDPR).</li>"
     "<li><b>Iscrizioni ai seminari</b>: i dati del modulo, per organizzare l'incontro (art. 6.1.b).</li>"
     "<li><b>Proposte di buone pratiche</b>: i dati e i documenti che invii, per la revisione e la pubblicazione.</li>"
     "<li><b>Newsletter</b>: email e preferenze, con il tuo consenso (art. 6.1.a), revocabile con un clic.</li>"
     "<li><b>Dati tecnici</b>: registri del server, per la sicurezza del servizio (art. 6.1.f).</li></ul>"),
    ("heading", "Conservazione"),
    ("paragraph", f"<p>{_todo('per quanto tempo si conservano account, iscrizioni, consensi e registri del server')}</p>"),
    ("heading", "Destinatari e responsabili del trattamento"),
    ("paragraph", f"<p>{_todo('chi gestisce l’hosting, la posta e l’assistenza tecnica (responsabili ex art. 28)')}</p>"),
    ("heading", "Cookie"),
    ("paragraph",
     "<p>Il portale usa solo cookie tecnici: la sessione di chi accede e la protezione dei moduli (CSRF). Nessun "
     "cookie di profilazione o di statistica di terze parti.</p>"),
    ("heading", "I tuoi diritti"),
    ("paragraph",
     "<p>Puoi chiedere accesso, rettifica, cancellazione, limitazione e portabilità dei dati, e opporti al "
     "trattamento, scrivendo al titolare; dal tuo account puoi scaricare e cancellare i tuoi dati da solo.</p>"),
    ("heading", "Reclamo al Garante"),
    ("paragraph",
     "<p>Hai diritto di proporre reclamo al Garante per la protezione dei dati personali (art. 77 GDPR): "
     "<a href=\"https://www.garanteprivacy.it/\">www.garanteprivacy.it</a>.</p>"),
    ("paragraph", f"<p>Ultimo aggiornamento: {_todo('data')}</p>"),
]

ACCESSIBILITY_BODY = [
    ("paragraph",
     f"<p>{_todo('nome dell’ente')} si impegna a rendere accessibile questo sito, conformemente alla Legge 9 gennaio "
     "2004, n. 4 e alle Linee guida AgID sull'accessibilità degli strumenti informatici, che rimandano alla norma "
     "UNI EN 301549 e alle WCAG 2.1 di livello AA.</p>"),
    ("heading", "Stato di conformità"),
    ("paragraph", f"<p>{_todo('conforme / parzialmente conforme / non conforme, come risulta dalla valutazione')}</p>"),
    ("heading", "Contenuti non accessibili"),
    ("paragraph", f"<p>{_todo('i contenuti non accessibili, il motivo e le alternative offerte')}</p>"),
    ("heading", "Redazione della dichiarazione"),
    ("paragraph",
     f"<p>Dichiarazione redatta il {_todo('data')} con {_todo('autovalutazione o valutazione di terzi')}; "
     f"ultimo riesame il {_todo('data')}.</p>"),
    ("heading", "Meccanismo di feedback"),
    ("paragraph", f"<p>Per segnalare un problema di accessibilità scrivi a {_todo('indirizzo email o modulo')}.</p>"),
    ("heading", "Procedura di attuazione"),
    ("paragraph",
     "<p>Se la risposta non arriva entro 30 giorni o non è soddisfacente, puoi rivolgerti al Difensore civico per "
     "il digitale presso AgID: <a href=\"https://form.agid.gov.it/\">form.agid.gov.it</a>.</p>"),
]

LEGAL_PAGES = [
    ("privacy", "Informativa sulla privacy", "Quali dati personali tratta il portale, perché e come gestirli.", PRIVACY_BODY),
    ("accessibilita", "Dichiarazione di accessibilità",
     "Lo stato di accessibilità del portale e come segnalare un problema.", ACCESSIBILITY_BODY),
]


@dataclass
class SetupReport:
    pages_created: int = 0
    norms: int = 0
    zones: int = 0
    topics: int = 0
    to_complete: list[str] = field(default_factory=list)  # admin paths of pages with fields to fill in


def setup_site() -> SetupReport:
    """Create what is missing of the site's frame; never touches what exists."""
    from wagtail.models import Page

    from cms.demo.builder import ensure_page, home_page
    from cms.demo.norms import load_norms
    from cms.demo.site import build_tree
    from cms.models import StandardPage, Topic, Zona
    from cms.models.blocks import BodyBlock
    from cms.permissions import ensure_page_permissions

    report = SetupReport(zones=Zona.objects.count(), topics=Topic.objects.count())
    if report.zones != EXPECTED_ZONES:
        raise RuntimeError(f"{report.zones} Zone distretto in the database, {EXPECTED_ZONES} expected: run migrate")
    before = Page.objects.count()
    with transaction.atomic():
        home = home_page()
        for slug, title, summary, body in LEGAL_PAGES:  # before build_tree, which would fill them with the demo texts
            ensure_page(home, StandardPage, slug, title=title, show_in_menus=False, summary=summary,
                        body=BodyBlock().to_python([{"type": t, "value": v} for t, v in body]))
        tree = build_tree()  # the section index pages (main menu) and the community page
        report.norms = len(load_norms(tree["quadro-normativo"]))
        ensure_page_permissions()
    report.pages_created = Page.objects.count() - before
    marker = TODO.split("{")[0]
    for slug, *_rest in LEGAL_PAGES:
        page = tree[slug]
        if marker in str(page.specific.body):
            report.to_complete.append(f"/admin/pages/{page.pk}/edit/")
    return report
