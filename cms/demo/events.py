"""A plausible 2020-2025 calendar of seminars and workshops on the themes of the source documents,
plus one seminar and one workshop session always in the near future (so the home has something upcoming)."""
from datetime import date, timedelta

from django.utils import timezone

from cms.demo.builder import aware, ensure_page, topics, zones
from cms.models import SeminarPage, SeminarSpeaker, WorkshopPage, WorkshopSession
from cms.models.blocks import FindingsBlock

S = SeminarSpeaker.Kind


def sp(name, role, organisation, kind=S.EXPERT, contribution=""):
    return SeminarSpeaker(name=name, role=role, organisation=organisation, kind=kind, contribution=contribution)


SEMINARS = [
    dict(slug="poverta-e-tutela-un-lavoro-integrato", title="Povertà e tutela dei minori: verso un lavoro integrato",
         start=(date(2020, 11, 19), 10), hours=3, format="online",
         summary="Il primo seminario della Comunità: come tenere insieme contrasto alla povertà e tutela dei "
                 "minori mettendo al centro i bisogni delle famiglie.",
         body="<p>I servizi che si occupano di povertà e quelli che si occupano di tutela incontrano spesso le "
              "stesse famiglie, con strumenti e linguaggi diversi. Il seminario presenta il modello di lavoro "
              "integrato proposto dalla Comunità e raccoglie le prime esperienze delle zone.</p>",
         programme="<ul><li>Apertura e presentazione della Comunità di Pratica</li><li>Un modello integrato "
                   "povertà/tutela</li><li>Testimonianze dai territori</li><li>Discussione</li></ul>",
         speakers=[sp("Gruppo di ricerca IRS", "ricercatori", "Istituto per la Ricerca Sociale"),
                   sp("Servizio sociale professionale", "assistenti sociali", "Zona Mugello", S.TERRITORY)],
         zones=["mugello", "pratese", "senese"], topics=["poverta-e-inclusione", "minori-e-famiglie"], tags=[]),
    dict(slug="equipe-multidisciplinare-cosa-la-fa-funzionare", title="L'équipe multidisciplinare: cosa la fa funzionare",
         start=(date(2021, 3, 4), 10), hours=3, format="online",
         summary="Esperienze di équipe per il contrasto all'esclusione sociale: figure coinvolte, collegamenti "
                 "deboli con scuola e politiche abitative, ruolo dei Centri per l'impiego.",
         body="<p>I rapporti regionali sulla povertà del 2019 e del 2020 mostrano équipe presenti in tutte le zone ma "
              "poco formalizzate, con una presenza stabile dei Centri per l'impiego e discontinua dei servizi "
              "socio-sanitari, un legame debole con scuola e politiche abitative, una buona collaborazione tra équipe "
              "RdC ed équipe POR FSE. Il seminario parte da questi dati e dall'esperienza del programma P.I.P.P.I., "
              "che dal 2010 usa l'équipe multidisciplinare per la tutela dei bambini e delle famiglie con bisogni "
              "complessi.</p>",
         programme="<ul><li>Le équipe nei rapporti sulla povertà</li><li>Il modello P.I.P.P.I. per la tutela</li>"
                   "<li>Tre zone raccontano la loro équipe</li></ul>",
         speakers=[sp("Osservatorio sociale regionale", "ricercatori", "Regione Toscana"),
                   sp("Équipe RdC", "operatori", "Zona Fiorentina Nord-Ovest", S.TERRITORY),
                   sp("Équipe POR FSE persone svantaggiate", "operatori", "Zona Valdarno", S.TERRITORY)],
         zones=["fiorentina-nord-ovest", "valdarno", "pisana"], topics=["equipe-multidisciplinari"], tags=["newsletter"]),
    dict(slug="seus-emergenza-urgenza-sociale", title="Emergenza urgenza sociale: il SEUS alla prova della pandemia",
         start=(date(2021, 5, 20), 14, 30), hours=2, format="online",
         summary="Come il Sistema regionale di Emergenza Urgenza Sociale ha garantito la risposta h24 durante il "
                 "COVID-19, tra interventi da remoto e in presenza.",
         body="<p>La centrale operativa e le unità territoriali dell'emergenza sociale rispondono giorno e notte ai "
              "segnalanti pubblici: Comuni, servizi sociali dell'Azienda USL, forze dell'ordine, pronto soccorso e "
              "118. Il seminario ripercorre l'esperienza dell'emergenza sanitaria e il problema di trovare "
              "sistemazioni sicure per chi non ha una casa.</p>"
              "<p>La Centrale operativa (COES) e le Unità territoriali dell'emergenza sociale (UTES) restano in "
              "stretto contatto con il pronto soccorso per le persone contagiate o sospette tali: in quel caso "
              "intervengono da remoto, con il volontariato locale; quando vanno sul posto gli assistenti sociali "
              "delle UTES usano i dispositivi di protezione individuale (DPI) forniti dal soggetto gestore.</p>",
         programme="<ul><li>Il SEUS: centrale operativa e unità territoriali</li><li>Lavorare da remoto e in loco</li>"
                   "<li>Il raccordo con il volontariato locale</li></ul>",
         speakers=[sp("Coordinamento SEUS", "responsabili", "Sistema Emergenza Urgenza Sociale regionale")],
         zones=["amiata-grossetana-colline-metallifere-grossetana", "senese"], topics=["emergenza-urgenza-sociale"], tags=[]),
    dict(slug="sociale-e-lavoro-servizi-e-centri-impiego", title="Sociale e lavoro: servizi sociali e Centri per l'impiego",
         start=(date(2021, 10, 14), 9, 30), hours=4, format="misto", place="Firenze, sede regionale",
         summary="Il seminario che ha aperto il ciclo 2021 dedicato alle interazioni tra operatori sociali e dei "
                 "Centri per l'impiego.",
         body="<p>Operatori sociali e dei Centri per l'impiego lavorano sempre più spesso con le stesse persone. "
              "Il seminario mette a confronto le pratiche di collaborazione già attive e le difficoltà ricorrenti.</p>",
         programme="<ul><li>Il quadro delle misure nazionali e regionali</li><li>Esperienze di équipe congiunte</li>"
                   "<li>Lavori di gruppo</li></ul>",
         speakers=[sp("ARTI - Agenzia Regionale Toscana per l'Impiego", "dirigenti", "ARTI"),
                   sp("Servizio sociale", "assistenti sociali", "Zona Empolese Valdarno Valdelsa", S.TERRITORY)],
         zones=["empolese-valdarno-valdelsa", "livornese", "val-di-nievole"],
         topics=["integrazione-sociale-lavoro"], tags=[]),
    dict(slug="governance-zonale-e-integrazione", title="Governance zonale e integrazione: esperienze a confronto",
         start=(date(2022, 3, 10), 10), hours=3, format="online",
         summary="Zone distretto e Società della Salute come luogo dell'integrazione socio-sanitaria, con un "
                 "contributo esterno dalla Città metropolitana di Bologna.",
         body="<p>Le leggi regionali 40 e 41 del 2005 fanno della zona distretto l'ambito in cui si valutano i "
              "bisogni e si organizzano i servizi. Il seminario mette a confronto il progetto di integrazione della "
              "SdS Pistoiese con l'atto di indirizzo della Conferenza Territoriale Sociale e Sanitaria "
              "Metropolitana di Bologna, che allarga l'integrazione a istruzione, lavoro e casa. Le priorità presentate da "
              "Bologna (contrasto all'impoverimento, casa come fattore di autonomia, giovani, migranti, Terzo "
              "settore) sono riassunte in due notizie del portale.</p>",
         programme="<ul><li>Zone distretto e SdS nella normativa toscana</li><li>La SdS Pistoiese: una figura di "
                   "raccordo</li><li>Contributo esterno: le priorità del welfare metropolitano bolognese</li></ul>",
         speakers=[sp("Direzione SdS Pistoiese", "coordinamento sociale", "Società della Salute Pistoiese", S.TERRITORY),
                   sp("Ufficio di Supporto CTSSM", "responsabile", "Conferenza Territoriale Sociale e Sanitaria "
                      "Metropolitana di Bologna", S.EXTERNAL,
                      "L'integrazione come parola chiave del welfare metropolitano: livelli di coordinamento e ruolo "
                      "delle comunità locali")],
         zones=["pistoiese", "fiorentina"], topics=["terzo-settore-e-coprogettazione", "non-autosufficienza-e-domiciliarita"],
         norms=[("DGR", "1442", 2016), ("L.R.", "40", 2005)], tags=["newsletter"]),
    dict(slug="coprogettare-con-il-terzo-settore", title="Coprogrammare e coprogettare con il Terzo settore",
         start=(date(2022, 11, 17), 10), hours=3, format="in_presenza", place="Arezzo, sala convegni",
         summary="L'articolo 55 del Codice del Terzo settore nella pratica delle zone: procedure, ruoli, rischi.",
         body="<p>Oltre 7.000 enti del Terzo settore operano in Toscana. La riforma del 2017 chiede di lavorare con "
              "loro in corresponsabilità: il seminario raccoglie esperienze di coprogettazione nate durante "
              "l'emergenza e poi diventate stabili.</p>",
         programme="<ul><li>Il Codice del Terzo settore e l'amministrazione condivisa</li><li>Esperienze delle zone"
                   "</li></ul>",
         speakers=[sp("Centro servizi per il volontariato", "formatori", "Cesvot"),
                   sp("Ufficio di Piano", "referenti", "Zona Aretina", S.TERRITORY)],
         zones=["aretina", "casentino", "valtiberina"], topics=["terzo-settore-e-coprogettazione"],
         norms=[("D.Lgs", "117", 2017)], tags=[]),
    dict(slug="linee-guida-integrazione-sociale-lavoro", title="Le Linee guida regionali sull'integrazione sociale-lavoro",
         start=(date(2023, 6, 22), 10), hours=3, format="online",
         summary="Cosa chiede la DGR 544/2023 alle zone: il Servizio Integrato Inclusione Lavoro e l'équipe "
                 "multidisciplinare sociale-lavoro.",
         body="<p>Poche settimane dopo l'approvazione, il seminario illustra le Linee guida e apre il confronto su come "
              "adattarle ai territori con accordi operativi flessibili.</p>",
         programme="<ul><li>Le Linee guida in sintesi</li><li>Domande delle zone</li></ul>",
         speakers=[sp("Settore inclusione sociale", "funzionari", "Regione Toscana")],
         zones=["val-di-nievole", "pistoiese", "pratese"], topics=["integrazione-sociale-lavoro"],
         norms=[("DGR", "544", 2023)], tags=["newsletter"]),
    dict(slug="assegno-di-inclusione-cosa-cambia", title="Assegno di Inclusione e Supporto Formazione e Lavoro: cosa cambia",
         start=(date(2024, 2, 15), 10), hours=2, format="online",
         summary="Le nuove misure del D.L. 48/2023 e il loro impatto sul lavoro delle équipe.",
         body="<p>Dal settembre 2023 il Supporto per la Formazione e il Lavoro, dal gennaio 2024 l'Assegno di "
              "Inclusione: il seminario riassume le regole e discute le conseguenze per la presa in carico.</p>",
         programme="<ul><li>Le misure in sintesi</li><li>Il ruolo dei servizi sociali e dei Centri per l'impiego</li></ul>",
         speakers=[sp("Gruppo di ricerca IRS", "ricercatori", "Istituto per la Ricerca Sociale")],
         zones=[], topics=["poverta-e-inclusione", "integrazione-sociale-lavoro"], norms=[("D.L.", "48", 2023)], tags=[]),
    dict(slug="siil-valdinievole-dal-protocollo-all-equipe", title="Il SIIL della Valdinievole: dal protocollo all'équipe unica",
         start=(date(2025, 3, 27), 10), hours=3, format="misto", place="Pescia, sede della SdS della Valdinievole",
         summary="Un mese dopo la firma del protocollo, la SdS della Valdinievole e ARTI raccontano come hanno "
                 "costruito l'équipe unica sociale-lavoro.",
         body="<p>Dall'analisi delle sovrapposizioni tra progetti alla scheda unica di segnalazione, fino alla "
              "questione della privacy risolta con i DPO: un percorso di quasi due anni raccontato da chi lo ha "
              "fatto.</p>",
         programme="<ul><li>Come nasce la rete</li><li>Il protocollo e le linee guida organizzative</li>"
                   "<li>Trattamento dei dati e scambio di informazioni</li><li>L'estensione all'ADI</li></ul>",
         speakers=[sp("Servizio sociale SdS Valdinievole", "assistenti sociali", "Società della Salute della Valdinievole", S.TERRITORY),
                   sp("Servizi per il Lavoro di Lucca e Pistoia", "operatori", "ARTI", S.TERRITORY),
                   sp("Federsanità ANCI Toscana", "supporto metodologico", "Federsanità ANCI Toscana")],
         zones=["val-di-nievole"], topics=["integrazione-sociale-lavoro", "equipe-multidisciplinari"],
         norms=[("DGR", "544", 2023), ("Reg. UE", "2016/679", 2016)], tags=["newsletter"]),
    dict(slug="linee-guida-operative-equipe", title="Le Linee guida operative sulle équipe multidisciplinari",
         start=(date(2025, 5, 29), 10), hours=3, format="online",
         summary="La DGR 1627/2024 letta insieme alle zone: cosa cambia nella composizione e nel funzionamento "
                 "delle équipe.",
         body="<p>Il seminario riprende quanto emerso nei laboratori sulle équipe e lo confronta con le nuove "
              "Linee guida operative regionali.</p>",
         programme="<ul><li>Le Linee guida</li><li>Cosa funziona, cosa no: i laboratori della Comunità</li></ul>",
         speakers=[sp("Settore inclusione sociale", "funzionari", "Regione Toscana")],
         zones=[], topics=["equipe-multidisciplinari"], norms=[("DGR", "1627", 2024)], tags=[]),
]

FINDINGS_EQUIPE = [
    {"type": "works", "value": [
        "è dedicata e stabile nel tempo",
        "è riconosciuta e formalizzata, anche con protocolli",
        "usa lo stesso linguaggio e gli stessi strumenti",
        "mette al centro l'ascolto, non le procedure"]},
    {"type": "does_not_work", "value": [
        "gli operatori di organizzazioni diverse hanno obiettivi di intervento differenti",
        "compiti e ruoli non sono distribuiti con chiarezza",
        "le famiglie non sono coinvolte fin dall'inizio",
        "i servizi specialistici partecipano solo se il singolo operatore è disponibile",
        "la decisione finale è lasciata al solo case manager"]},
]

WORKSHOPS = [
    dict(slug="equipe-che-funzionano", title="Équipe che funzionano e équipe che si inceppano",
         theme="Cosa rende efficace un'équipe multiprofessionale tra povertà e tutela",
         sessions=[(date(2020, 12, 10), "online"), (date(2021, 1, 21), "online"), (date(2021, 2, 18), "online")],
         summary="Tre incontri tra operatori delle zone per capire quando l'équipe multiprofessionale funziona e "
                 "quando no.",
         body="<p>Operatori sociali, sanitari e dei Centri per l'impiego hanno messo a confronto le proprie équipe, "
              "partendo da casi concreti.</p>",
         services="Servizi sociali dei Comuni e delle SdS\nCentri per l'impiego\nConsultori\nServizi di salute mentale",
         facilitators="Ricercatori IRS\nReferenti ANCI Toscana",
         findings=FINDINGS_EQUIPE,
         outputs="<p>Una sintesi condivisa dei fattori di successo e di fallimento, ripresa nel rapporto «Welfare e "
                 "salute in Toscana 2021».</p>",
         zones=["mugello", "senese", "pisana", "val-di-nievole", "apuane"], topics=["equipe-multidisciplinari", "minori-e-famiglie"],
         tags=["newsletter"]),
    dict(slug="sociale-e-lavoro-laboratorio", title="Sociale e lavoro: laboratorio tra servizi sociali e CPI",
         theme="Interazioni tra servizi sociali e Centri per l'impiego nella presa in carico",
         sessions=[(date(2021, 10, 28), "online"), (date(2021, 11, 25), "online"), (date(2021, 12, 16), "Firenze")],
         summary="Il laboratorio del secondo semestre 2021 tra operatori sociali e dei Centri per l'impiego.",
         body="<p>Come si segnala una persona da un servizio all'altro? Chi la segue? Il laboratorio ha lavorato "
              "sugli strumenti comuni.</p>",
         services="Servizi sociali\nCentri per l'impiego\nServizi per le dipendenze",
         facilitators="Ricercatori IRS",
         findings=[{"type": "works", "value": ["una scheda di segnalazione unica", "incontri periodici di équipe"]},
                   {"type": "does_not_work", "value": ["sistemi informativi che non dialogano"]},
                   {"type": "open_questions", "value": ["come condividere i dati nel rispetto della privacy"]}],
         outputs="<p>Una bozza di scheda comune di segnalazione.</p>",
         zones=["empolese-valdarno-valdelsa", "val-di-nievole", "livornese", "valdarno"],
         topics=["integrazione-sociale-lavoro"], tags=[]),
    dict(slug="privacy-e-scambio-di-informazioni", title="Privacy e scambio di informazioni nell'équipe",
         theme="Condividere i dati delle persone seguite nel rispetto del GDPR",
         sessions=[(date(2024, 10, 8), "online"), (date(2024, 11, 12), "online")],
         summary="Come scambiare le informazioni indispensabili tra servizi diversi, con i principi concordati "
                 "con i responsabili della protezione dei dati.",
         body="<p>Il laboratorio parte dall'esperienza della Valdinievole, che ha definito con i DPO le regole per la "
              "sua équipe unica.</p>",
         services="Servizi sociali\nCentri per l'impiego\nResponsabili della protezione dei dati",
         facilitators="Referenti Federsanità ANCI Toscana",
         findings=[{"type": "works", "value": ["coinvolgere i DPO fin dall'inizio", "scambiare solo i dati indispensabili",
                                               "file cifrati e protetti da password"]},
                   {"type": "does_not_work", "value": ["consensi generici raccolti senza spiegare la segnalazione"]}],
         outputs="<p>Un elenco di principi e accorgimenti tecnici riutilizzabile dalle zone.</p>",
         zones=["val-di-nievole", "pistoiese"], topics=["equipe-multidisciplinari"], norms=[("Reg. UE", "2016/679", 2016)],
         tags=["newsletter"]),
]


def _upcoming_day(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:  # on a weekday
        day += timedelta(days=1)
    return day


def load_seminars(parent, norms, progress=None):
    items = list(SEMINARS) + [dict(
        slug="incontro-annuale-della-comunita", title="Incontro annuale della Comunità di Pratica",
        start=(_upcoming_day(40), 9, 30), hours=5, format="misto", place="Firenze", capacity=150,
        online_link="https://www.regione.toscana.it/",
        summary="L'appuntamento in cui la Comunità fa il punto sull'anno: pratiche delle zone, novità normative, "
                "programma dei prossimi seminari.",
        body="<p>Una giornata aperta a tutte le Zone distretto per ripercorrere il lavoro dell'anno e scegliere i "
             "temi dei prossimi laboratori.</p>",
        programme="<ul><li>Il quadro normativo in evoluzione</li><li>Le pratiche delle zone</li><li>Programma dei "
                  "prossimi incontri</li></ul>",
        speakers=[sp("Comitato di coordinamento", "Regione Toscana, ANCI Toscana, IRS", "Comunità di Pratica")],
        zones=[], topics=["poverta-e-inclusione", "equipe-multidisciplinari"], tags=["newsletter"])]
    for item in items:
        day, hour, *minute = item["start"]
        start = aware(day, hour, minute[0] if minute else 0)
        ensure_page(
            parent, SeminarPage, item["slug"], title=item["title"], summary=item["summary"], start=start,
            end=start + timedelta(hours=item["hours"]), format=item["format"], place=item.get("place", ""),
            online_link=item.get("online_link", ""), capacity=item.get("capacity"), body=item["body"], programme=item["programme"],
            m2m={"zones": zones(*item["zones"]), "topics": topics(*item["topics"]),
                 "related_norms": [norms[k] for k in item.get("norms", []) if k in norms]},
            children={"speakers": item["speakers"]}, tags=item["tags"],
            published_at=min(start - timedelta(days=30), timezone.now()),
        )
        if progress:
            progress.update(1)


def load_workshops(parent, norms, progress=None):
    items = list(WORKSHOPS) + [dict(
        slug="abitare-e-poverta", title="Abitare e povertà: risposte integrate",
        theme="Casa, lavoro e servizi sociali insieme per chi rischia di perdere l'alloggio",
        sessions=[(date(2025, 9, 18), "online"), (_upcoming_day(25), "Siena")],
        summary="Un laboratorio in corso sulle risposte integrate all'emergenza abitativa.",
        body="<p>Dopo le misure straordinarie per gli affitti degli anni della pandemia, le zone si confrontano su "
             "come prevenire gli sfratti e accompagnare le famiglie.</p>",
        services="Servizi sociali\nUffici casa dei Comuni\nEnti del Terzo settore",
        facilitators="Ricercatori IRS", findings=[], outputs="",
        zones=["senese", "alta-val-delsa", "fiorentina"], topics=["abitare", "poverta-e-inclusione"], tags=[])]
    for item in items:
        sessions = [WorkshopSession(start=aware(day, 10), end=aware(day, 13), place=place)
                    for day, place in item["sessions"]]
        ensure_page(
            parent, WorkshopPage, item["slug"], title=item["title"], theme=item["theme"], summary=item["summary"],
            body=item["body"], services=item["services"], facilitators=item["facilitators"],
            findings=FindingsBlock().to_python(item["findings"]), outputs=item["outputs"],
            m2m={"zones": zones(*item["zones"]), "topics": topics(*item["topics"]),
                 "related_norms": [norms[k] for k in item.get("norms", []) if k in norms]},
            children={"sessions": sessions}, tags=item["tags"],
            published_at=min(sessions[0].start - timedelta(days=20), timezone.now()),
        )
        if progress:
            progress.update(1)


EVENT_COUNT = len(SEMINARS) + 1 + len(WORKSHOPS) + 1
