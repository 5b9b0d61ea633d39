"""Good practices: the SIIL of the Valdinievole and the integration project of the SdS Pistoiese."""
from datetime import date

from wagtail.models import WorkflowPage

from cms.demo.builder import aware, document, ensure_page, topics, zones
from cms.models import PracticeContact, PracticePage
from cms.workflows import practice_workflow

SIIL_SUMMARY = (
    "In Valdinievole la Società della Salute e i Centri per l'impiego di ARTI hanno costruito un'unica équipe "
    "sociale-lavoro, prevista dalla DGR 544/2023 e formalizzata con un protocollo firmato nel febbraio 2025: "
    "una sola porta d'accesso per le persone con bisogni complessi."
)

SIIL = dict(
    title="SIIL Valdinievole: l'équipe unica sociale-lavoro",
    owner_body="Società della Salute della Valdinievole",
    partner_kinds=["sds", "cpi", "ausl", "ets"],
    partners="ARTI - Agenzia Regionale Toscana per l'Impiego, Settore Servizi per il Lavoro di Lucca e Pistoia\n"
             "Federsanità ANCI Toscana (supporto metodologico)\nServizi per le dipendenze (Ser.D)\n"
             "Servizi di salute mentale\nEnti del Terzo settore del territorio",
    target_groups="Persone seguite dai servizi sociali e socio-sanitari e, più in generale, le fasce deboli del "
                  "mercato del lavoro che vivono uno svantaggio su più fronti: povertà, esclusione, problemi di "
                  "salute o di dipendenza.",
    objectives="<ul><li>Offrire una presa in carico integrata sociale-lavoro a chi ha bisogni complessi.</li>"
               "<li>Evitare che la risposta si frammenti tra progetti, finanziamenti e servizi diversi.</li>"
               "<li>Diffondere una cultura di welfare di comunità che coinvolga imprese, Terzo settore e "
               "associazioni.</li></ul>",
    activities="<p>Il lavoro è partito nel giugno 2023 dall'analisi di ciò che già esisteva: per ogni progetto "
               "attivo sono stati confrontati destinatari, attività, composizione delle équipe e fonti di "
               "finanziamento, con una check list, per far emergere sovrapposizioni e vuoti.</p>"
               "<p>Sono seguiti gli incontri con la direzione della SdS, con ARTI e i Centri per l'impiego, con i "
               "servizi per le dipendenze e la salute mentale. Ad agosto 2023 si è riunita la prima équipe "
               "integrata; a settembre l'organizzazione è stata presentata a tutti i servizi e agli enti del Terzo "
               "settore. Nel 2024 sono stati scritti il protocollo e le linee guida organizzative, firmati nel "
               "febbraio 2025.</p>"
               "<p>La spinta è venuta anche dal quadro regionale: le DGR 917/2021, 544/2023 e 1627/2024 chiedono "
               "accordi e linee guida operative flessibili, adattati a ciascun territorio, e la Cabina di regia del "
               "Tavolo regionale promuove la Comunità di Pratica. Hanno contribuito il Reddito di cittadinanza e il "
               "percorso 4 del programma GOL. Le tappe: analisi della frammentazione con una check list; passaggi "
               "istituzionali e incontri intersettoriali; strumenti scritti e mandato a sperimentare; la questione "
               "privacy e la firma. Due eventi pubblici sul servizio, nel giugno 2023 e nell'aprile 2024, hanno "
               "scandito il percorso.</p>"
               "<p>SdS e ARTI partecipano insieme a processi di coprogrammazione e coprogettazione, organizzano "
               "eventi e formazione comuni e possono attivare percorsi di supervisione multiprofessionale con il "
               "supporto di Regione Toscana, Federsanità ANCI Toscana e Ordine degli Assistenti Sociali.</p>",
    core_team="Servizio sociale della Società della Salute\nARTI - Centri per l'impiego",
    extended_team="Servizi per le dipendenze\nServizi per la salute mentale\nServizi per la disabilità e la tutela "
                  "della salute\nUfficio per l'esecuzione penale esterna\nPolitiche abitative e contrasto alla "
                  "grave marginalità\nEnti del Terzo settore ed enti caritativi\nScuole e agenzie educative",
    tools="<ul><li>Scheda unica di segnalazione all'équipe</li><li>Scheda per monitoraggi e verifiche</li>"
          "<li>Scheda esito</li><li>Istruzioni operative per il percorso 4 del programma GOL</li>"
          "<li>Mappatura condivisa delle risorse per i progetti personalizzati (PaIS): progetti di utilità "
          "collettiva, imprese disponibili, incentivi all'assunzione</li></ul>",
    data_protection="<p>I principi sono stati concordati con i responsabili della protezione dei dati (DPO) della "
                    "SdS e di ARTI nell'agosto 2024:</p><ul><li>SdS e ARTI sono titolari autonomi del "
                    "trattamento;</li><li>i dati trattati possono essere comuni, particolari, sanitari e giudiziari;"
                    "</li><li>la persona è informata della segnalazione all'équipe e dà le "
                    "autorizzazioni previste da ciascun servizio;</li><li>si scambiano solo i dati "
                    "indispensabili e pertinenti (minimizzazione);</li><li>i file viaggiano cifrati e protetti da "
                    "password;</li><li>accede solo personale autorizzato e formato, nel rispetto del segreto "
                    "professionale.</li></ul>",
    funding_note="Risorse ordinarie dei servizi coinvolti e programmi nazionali per l'inclusione lavorativa.",
    period_start=date(2023, 6, 1),
    results="<p>Oggi opera un'équipe unica sociale-lavoro a «geometria variabile», aperta ai servizi "
            "socio-sanitari e al Terzo settore, con schede comuni per la segnalazione e per i diversi esiti. "
            "L'équipe è diventata il perno di tutte le misure di inclusione sociale e lavorativa della zona. "
            "Il protocollo è stato poi esteso all'assistenza domiciliare integrata (ADI).</p>",
    evaluation_level="promettente",
    criteria_met=["trasferibilita", "partecipazione", "sostenibilita"],
    lessons_learned="<ul><li>Prima di integrare bisogna vedere dove i progetti si sovrappongono.</li>"
                    "<li>La privacy va affrontata presto, con i DPO, non a valle.</li>"
                    "<li>Il protocollo arriva alla fine di un percorso di prova, non all'inizio.</li></ul>",
)

PISTOIESE = dict(
    title="SdS Pistoiese: un coordinamento per l'integrazione socio-assistenziale",
    owner_body="Società della Salute Pistoiese",
    partner_kinds=["sds", "comuni", "ausl", "ets"],
    partners="I 9 Comuni della zona\nAzienda USL Toscana Centro\nPrivato sociale e volontariato",
    target_groups="Gli assistenti sociali dei Comuni e della SdS e, attraverso di loro, le famiglie e i minori "
                  "seguiti dai servizi della zona.",
    objectives="<p>Dare unitarietà a un territorio eterogeneo, in cui i Comuni differiscono molto per dimensioni, "
               "economia e organizzazione del servizio sociale, collegando il lavoro dei servizi sociali comunali "
               "con la programmazione della Società della Salute e con i servizi sanitari.</p>",
    activities="<p>La SdS ha affidato a un'assistente sociale esperta, alle dirette dipendenze del Direttore, il "
               "raccordo tra servizi sociali, sanitari e socio-sanitari (salute mentale adulti e infanzia, "
               "dipendenze, ospedale, consultorio: Ufsmia, SerT, Ufsma). Le sue funzioni:</p><ul>"
               "<li>indirizzo e monitoraggio delle attività sociali, raccordate con quelle amministrative;</li>"
               "<li>promozione di team integrati sociale-sanitario;</li>"
               "<li>proposte e pareri tecnici per il Direttore e l'Ufficio di Piano;</li>"
               "<li>rappresentanza tecnica della SdS nei tavoli e nella stesura dei protocolli;</li>"
               "<li>circolazione di informazioni, protocolli e occasioni formative tra tutti gli assistenti sociali;</li>"
               "<li>coordinamento dei servizi per famiglie e minori: Centro Affidi, Centro Antiviolenza Aiutodonna, "
               "servizi per la tutela minorile, UVM minori;</li>"
               "<li>coordinamento professionale degli assistenti sociali, soprattutto nella tutela minorile.</li></ul>"
               "<p>Il progetto nasce dal quadro delle leggi regionali 40 e 41 del 2005, che fanno della zona distretto "
               "l'ambito in cui si valutano i bisogni sanitari e sociali e si organizzano i servizi, in una logica di "
               "governance della salute che va oltre la sanità e di welfare comunitario e partecipativo.</p>",
    core_team="Assistente sociale esperta di coordinamento\nDirettore della SdS\nUfficio di Piano",
    extended_team="Assistenti sociali dei Comuni\nServizi sanitari specialistici\nTerzo settore e volontariato",
    tools="<ul><li>Protocolli operativi condivisi</li><li>Regolamenti comuni di accesso ai servizi</li>"
          "<li>Strumenti di verifica delle prestazioni e dell'impatto sociale</li></ul>",
    funding_note="Valore del progetto: 6.500 euro lordi annui.",
    period_end=date(2022, 10, 31),
    results="<p>Risultati attesi: più integrazione tra sociale, sanitario e socio-sanitario; progetti pubblici e "
            "del Terzo settore armonizzati con i bisogni del territorio; procedure di accesso più omogenee; "
            "flussi informativi più fluidi tra i servizi sociali comunali; un sostegno specifico sulla tutela "
            "minorile e le responsabilità familiari; un percorso di empowerment sociale che renda più facile la "
            "partecipazione di associazioni e cittadini; più voce alla SdS nelle sedi istituzionali; un legame "
            "migliore tra i livelli strategico, amministrativo, progettuale e operativo.</p>",
    evaluation_level="emergente",
    criteria_met=["partecipazione"],
    lessons_learned="<p>L'integrazione delle diverse anime di una SdS richiede tempi medio-lunghi e il "
                    "coinvolgimento di ogni settore: una figura dedicata al raccordo aiuta ad avviare il "
                    "percorso, non lo sostituisce.</p>",
)


def load_practices(parent, norms: dict, progress=None):
    workflow = practice_workflow()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=parent, defaults={"workflow": workflow})
    protocol = document(
        "Protocollo SIIL Valdinievole - scheda di sintesi", "protocollo-siil-valdinievole-sintesi.txt",
        "Sintesi del protocollo d'intesa per il Servizio Integrato Inclusione Lavoro della Valdinievole "
        "(DGR 544/2023), sottoscritto nel febbraio 2025 da Società della Salute della Valdinievole e ARTI.\n"
        "Équipe minima: servizio sociale SdS e Centri per l'impiego. Équipe allargata secondo il caso.\n",
    )
    siil, _ = ensure_page(
        parent, PracticePage, "siil-valdinievole", zona=zones("val-di-nievole")[0], summary=SIIL_SUMMARY,
        attachments=[("document", {"document": protocol, "description": "Sintesi del protocollo"})],
        m2m={"topics": topics("integrazione-sociale-lavoro", "equipe-multidisciplinari", "poverta-e-inclusione"),
             "related_norms": [norms[k] for k in [("DGR", "544", 2023), ("Reg. UE", "2016/679", 2016),
                                                  ("DGR", "1627", 2024)] if k in norms]},
        children={"contacts": [PracticeContact(service="Società della Salute della Valdinievole - Servizio sociale",
                                               address="Pescia (PT)")]},
        tags=["newsletter", "SIIL", "équipe"], published_at=aware(date(2025, 3, 3)), **SIIL,
    )
    if progress:
        progress.update(1)
    ensure_page(
        parent, PracticePage, "sds-pistoiese-integrazione", zona=zones("pistoiese")[0],
        summary="Una figura di coordinamento per tenere insieme i servizi sociali di nove Comuni, l'Azienda USL e "
                "la programmazione della Società della Salute Pistoiese.",
        m2m={"topics": topics("minori-e-famiglie", "equipe-multidisciplinari"),
             "related_norms": [norms[k] for k in [("L.R.", "40", 2005), ("L.R.", "41", 2005)] if k in norms]},
        tags=["integrazione socio-sanitaria"], published_at=aware(date(2021, 11, 15)), **PISTOIESE,
    )
    if progress:
        progress.update(1)
    return siil


PRACTICE_COUNT = 2
