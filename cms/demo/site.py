"""The site tree: the index pages in the main menu and the pages about the community."""
from cms.demo.builder import ensure_page, home_page
from cms.models import (
    DataIndexPage,
    NewsIndexPage,
    NormIndexPage,
    PracticeIndexPage,
    SeminarIndexPage,
    StandardPage,
    WorkshopIndexPage,
)
from cms.models.blocks import BodyBlock

INDEXES = [
    (SeminarIndexPage, "seminari", "Seminari",
     "<p>Incontri semi-strutturati aperti a tutte le Zone distretto: interventi di esperti e testimonianze dei "
     "territori su povertà, tutela, lavoro e integrazione dei servizi.</p>"),
    (WorkshopIndexPage, "laboratori", "Laboratori tematici",
     "<p>Gruppi di lavoro in cui operatori di servizi diversi mettono a confronto le proprie esperienze e "
     "ne ricavano indicazioni condivise: cosa funziona, cosa no, cosa resta da chiarire.</p>"),
    (PracticeIndexPage, "buone-pratiche", "Buone pratiche",
     "<p>Le esperienze delle Zone distretto descritte in modo che altri territori possano riprenderle: "
     "chi le realizza, con quali équipe e strumenti, con quali risultati.</p>"),
    (NormIndexPage, "quadro-normativo", "Quadro normativo",
     "<p>Gli atti regionali, nazionali ed europei di riferimento per l'inclusione sociale, anno per anno, "
     "con le relazioni che li legano: il quadro in evoluzione raccontato anche dalla newsletter.</p>"),
    (DataIndexPage, "dati", "Dati",
     "<p>I principali numeri sulle risorse distribuite e sulle persone raggiunte dagli interventi, "
     "per la Toscana e per le singole zone.</p>"),
    (NewsIndexPage, "notizie", "Notizie", "<p>Aggiornamenti dalla Comunità di Pratica e dai territori.</p>"),
]

COMMUNITY_BODY = [
    ("paragraph",
     "<p>La Comunità di Pratica per l'inclusione sociale in Toscana è nata nel 2020 dalla collaborazione tra "
     "Regione Toscana, ANCI Toscana e Istituto per la Ricerca Sociale (IRS). Riunisce gli operatori dei servizi "
     "sociali, socio-sanitari e del lavoro delle Zone distretto che vogliono imparare gli uni dagli altri.</p>"),
    ("heading", "Come lavora"),
    ("paragraph",
     "<ul><li><b>Seminari</b> semi-strutturati rivolti a tutte le Zone, con esperti e testimonianze dai territori;</li>"
     "<li><b>laboratori tematici</b> in cui si scambiano esperienze su un problema concreto;</li>"
     "<li>questa <b>piattaforma web</b>, che raccoglie materiali, pratiche e norme;</li>"
     "<li>una <b>newsletter bimestrale</b> sull'evoluzione del quadro normativo e sui principali dati disponibili.</li></ul>"),
    ("heading", "Perché una comunità di pratica"),
    ("paragraph",
     "<p>Una comunità di pratica è un gruppo di persone che condividono interessi e problemi di lavoro e che, "
     "mettendo in comune ciò che ciascuno sa, trovano insieme risposte migliori. Il modello toscano punta a un "
     "lavoro integrato tra contrasto alla povertà e tutela dei minori, centrato sui bisogni delle famiglie e "
     "sull'équipe multiprofessionale.</p>"),
]

# The pages every public-administration site links from its footer. Facts the demo cannot know
# (the controller's name and address, the DPO's contact) are marked as still to be filled in by the
# body that runs the portal: never invented.
CONTACT = "redazione@cdp-inclusione.toscana.example"

PRIVACY_BODY = [
    ("paragraph",
     "<p>Questo portale tratta dati personali solo per i servizi che chiedi: l'account della Comunità di "
     "Pratica, l'iscrizione ai seminari, la proposta di buone pratiche e la newsletter. Questa informativa è "
     "resa ai sensi degli articoli 13 e 14 del Regolamento (UE) 2016/679 (GDPR).</p>"),
    ("heading", "Titolare del trattamento"),
    ("paragraph",
     "<p>Il titolare è l'ente che gestisce il portale per conto della Comunità di Pratica. "
     "<b>Denominazione, sede e PEC del titolare: da completare a cura dell'ente prima della pubblicazione.</b> "
     f"Per ogni richiesta puoi intanto scrivere alla redazione: <a href=\"mailto:{CONTACT}\">{CONTACT}</a>.</p>"),
    ("heading", "Responsabile della protezione dei dati"),
    ("paragraph",
     "<p>Il titolare ha designato un Responsabile della protezione dei dati (RPD/DPO). "
     "<b>Recapiti del RPD: da completare a cura del titolare.</b></p>"),
    ("heading", "Quali dati e perché"),
    ("paragraph",
     "<ul><li><b>Account</b>: indirizzo email, nome, ente e zona distretto, per riconoscerti come operatore "
     "e aprirti i contenuti riservati ai membri.</li>"
     "<li><b>Iscrizioni ai seminari</b>: i dati del modulo, per organizzare l'incontro e mandarti i materiali.</li>"
     "<li><b>Newsletter</b>: email e preferenze.</li>"
     "<li><b>Valutazioni delle pagine</b>: solo il numero di risposte per pagina, senza alcun dato personale.</li>"
     "<li><b>Dati tecnici</b>: i registri del server.</li></ul>"),
    ("heading", "Base giuridica"),
    ("paragraph",
     "<ul><li>account e iscrizioni ai seminari: l'esecuzione del servizio che chiedi (art. 6.1.b GDPR);</li>"
     "<li>newsletter: il tuo consenso (art. 6.1.a), che puoi ritirare in ogni momento con un clic dal fondo di "
     "ogni numero;</li>"
     "<li>registri tecnici: l'interesse pubblico alla sicurezza del servizio (art. 6.1.e).</li></ul>"),
    ("heading", "Per quanto tempo conserviamo i dati"),
    ("paragraph",
     "<ul><li>account: finché non lo cancelli dalla pagina del tuo account;</li>"
     "<li>iscrizioni ai seminari: fino alla cancellazione dell'account;</li>"
     "<li>newsletter: fino alla disiscrizione;</li>"
     "<li>registri del server: per il tempo necessario alla sicurezza del servizio, poi vengono cancellati.</li></ul>"),
    ("heading", "Cookie"),
    ("paragraph",
     "<p>Il portale usa solo cookie tecnici: la sessione di chi accede e la protezione dei moduli (CSRF). "
     "Non ci sono cookie di profilazione, statistiche di terze parti o pixel di tracciamento nelle email.</p>"),
    ("heading", "I tuoi diritti"),
    ("paragraph",
     "<p>Puoi chiedere accesso, rettifica, cancellazione, limitazione e portabilità dei tuoi dati e opporti al "
     "trattamento (articoli 15-22 GDPR). Dalla pagina del tuo account e dai collegamenti di ogni newsletter puoi "
     "scaricarli e cancellarli da solo, senza scriverci.</p>"),
    ("heading", "Reclamo al Garante"),
    ("paragraph",
     "<p>Se ritieni che il trattamento violi il GDPR puoi proporre reclamo al Garante per la protezione dei dati "
     "personali (art. 77 GDPR), seguendo le indicazioni sul sito "
     "<a href=\"https://www.garanteprivacy.it/\">www.garanteprivacy.it</a>.</p>"),
]


def accessibility_body(day) -> list:
    return [
        ("paragraph",
         "<p>Il portale si impegna a rendere il proprio sito accessibile secondo la Legge 4/2004 e le Linee guida "
         "AgID, che rimandano ai requisiti della norma EN 301 549 e alle WCAG 2.1 di livello AA.</p>"),
        ("heading", "Stato di conformità"),
        ("paragraph",
         "<p>Il sito è <b>parzialmente conforme</b>. Le pagine usano i componenti di Bootstrap Italia e ogni modello "
         "di pagina viene verificato in automatico a ogni modifica del codice, da telefono e da computer, "
         "anche usando solo la tastiera.</p>"),
        ("heading", "Contenuti non accessibili"),
        ("paragraph",
         "<ul><li>alcuni documenti allegati (slide e relazioni in PDF) sono pubblicati così come forniti dai relatori "
         "e possono non essere accessibili;</li>"
         "<li>le registrazioni dei seminari meno recenti non hanno sottotitoli.</li></ul>"),
        ("heading", "Redazione della dichiarazione"),
        ("paragraph",
         f"<p><b>Data di redazione</b>: {day}. La dichiarazione è stata redatta con un'autovalutazione effettuata "
         "dal gestore del sito, con verifiche automatiche e manuali.</p>"),
        ("heading", "Meccanismo di feedback"),
        ("paragraph",
         "<p>Se trovi un contenuto che non riesci a usare, scrivi alla redazione indicando la pagina: "
         f"<a href=\"mailto:{CONTACT}\">{CONTACT}</a>. Ti risponderemo entro 30 giorni e, se serve, ti manderemo il "
         "contenuto in un formato accessibile.</p>"),
        ("heading", "Procedura di attuazione"),
        ("paragraph",
         "<p>Se la risposta non arriva entro 30 giorni o non ti soddisfa, puoi rivolgerti al Difensore civico per "
         "il digitale di AgID con la procedura descritta su "
         "<a href=\"https://form.agid.gov.it/\">form.agid.gov.it</a>.</p>"),
    ]


LEGAL_NOTES_BODY = [
    ("paragraph",
     "<p>Questo portale è lo spazio web della Comunità di Pratica per l'inclusione sociale in Toscana.</p>"),
    ("heading", "Riuso dei contenuti"),
    ("paragraph",
     "<p>Salvo diversa indicazione, i testi pubblicati dalla redazione possono essere riutilizzati citando la "
     "fonte e il collegamento alla pagina. I documenti allegati restano dei rispettivi autori ed enti, "
     "che ne indicano le condizioni d'uso.</p>"),
    ("heading", "Atti normativi"),
    ("paragraph",
     "<p>Le schede del quadro normativo riassumono gli atti per orientarsi: fa fede solo il testo ufficiale, "
     "raggiungibile dal collegamento presente in ogni scheda.</p>"),
    ("heading", "Collegamenti esterni"),
    ("paragraph",
     "<p>La redazione non risponde dei contenuti dei siti esterni a cui il portale rimanda.</p>"),
    ("heading", "Contatti"),
    ("paragraph", f"<p>Redazione del portale: <a href=\"mailto:{CONTACT}\">{CONTACT}</a>.</p>"),
]


def build_tree():
    """Create the index pages (in the main menu) and the community page; returns {slug: page}."""
    home = home_page()
    pages = {}
    page, _ = ensure_page(
        home, StandardPage, "comunita", title="La Comunità", show_in_menus=True,
        summary="Chi siamo, come lavoriamo e perché: seminari, laboratori, piattaforma e newsletter.",
        body=BodyBlock().to_python([{"type": t, "value": v} for t, v in COMMUNITY_BODY]),
    )
    pages["comunita"] = page
    from django.utils import formats, timezone

    for slug, title, summary, body in [
        ("privacy", "Informativa sulla privacy", "Quali dati personali tratta il portale, perché e come gestirli.", PRIVACY_BODY),
        ("accessibilita", "Dichiarazione di accessibilità", "Lo stato di accessibilità del portale e come segnalare un problema.",
         accessibility_body(formats.date_format(timezone.localdate(), "DATE_FORMAT"))),
        ("note-legali", "Note legali", "Condizioni d'uso dei contenuti del portale e collegamenti esterni.", LEGAL_NOTES_BODY),
    ]:
        pages[slug], _ = ensure_page(
            home, StandardPage, slug, title=title, show_in_menus=False, summary=summary,
            body=BodyBlock().to_python([{"type": t, "value": v} for t, v in body]),
        )
    for model, slug, title, intro in INDEXES:
        page, _ = ensure_page(home, model, slug, title=title, intro=intro, show_in_menus=True)
        pages[slug] = page
    return pages
