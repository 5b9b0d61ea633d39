"""News of the community, dated along its history."""
from datetime import date

from cms.demo import ctssm
from cms.demo.builder import aware, ensure_page, topics, zones
from cms.models import NewsPage
from cms.models.blocks import BodyBlock

NEWS = [
    dict(slug="nasce-la-comunita-di-pratica", title="Nasce la Comunità di Pratica per l'inclusione sociale",
         date=date(2020, 10, 15), topics=["poverta-e-inclusione"], zones=[], tags=[],
         summary="Regione Toscana, ANCI Toscana e IRS avviano una comunità di operatori delle Zone distretto.",
         body=[("paragraph", "<p>Parte la Comunità di Pratica per l'inclusione sociale in Toscana: seminari aperti a "
                             "tutte le Zone, laboratori tematici, una piattaforma web e una newsletter ogni due mesi. "
                             "Il primo seminario è in programma a novembre.</p>")]),
    dict(slug="welfare-e-salute-2021-i-numeri", title="Welfare e salute in Toscana 2021: i numeri della risposta dei servizi",
         date=date(2021, 12, 2), topics=["poverta-e-inclusione", "abitare"], zones=[], tags=["newsletter"],
         summary="Dal rapporto regionale: oltre 51 milioni del Fondo Nazionale Politiche Sociali ripartiti nel "
                 "2019-2020 e quasi 18.000 famiglie aiutate a pagare l'affitto.",
         body=[("paragraph", "<p>Il rapporto regionale descrive come i servizi sociali e socio-sanitari hanno "
                             "risposto all'emergenza. Alcuni numeri: 51,6 milioni di euro del Fondo Nazionale "
                             "Politiche Sociali ripartiti nel biennio 2019-2020; 26 progetti POR FSE, uno per zona, per "
                             "quasi 30 milioni; 17.825 nuclei sostenuti nel pagamento dell'affitto.</p>"),
               ("paragraph", "<p>Tutti i valori sono consultabili nella sezione Dati del portale.</p>")]),
    dict(slug="linee-guida-sociale-lavoro-approvate", title="Approvate le Linee guida sull'integrazione sociale-lavoro",
         date=date(2023, 5, 18), topics=["integrazione-sociale-lavoro"], zones=[], tags=["newsletter"],
         norms=[("DGR", "544", 2023)],
         summary="Con la DGR 544/2023 nasce il Servizio Integrato Inclusione Lavoro con la sua équipe "
                 "multidisciplinare sociale-lavoro.",
         body=[("paragraph", "<p>La Giunta regionale ha approvato il 15 maggio 2023 le Linee guida sull'integrazione "
                             "tra sociale e lavoro. Le zone sono invitate a costruire accordi operativi adatti al "
                             "proprio territorio.</p>")]),
    dict(slug="linee-guida-equipe-multidisciplinari", title="Équipe multidisciplinari: le nuove Linee guida operative",
         date=date(2025, 1, 9), topics=["equipe-multidisciplinari"], zones=[], tags=["newsletter"],
         norms=[("DGR", "1627", 2024)],
         summary="La DGR 1627 del 23 dicembre 2024 definisce come devono lavorare le équipe multidisciplinari.",
         body=[("paragraph", "<p>Le Linee guida operative chiudono un percorso a cui la Comunità ha contribuito con i "
                             "suoi laboratori sulle équipe.</p>")]),
    dict(slug="valdinievole-firmato-protocollo-siil", title="Valdinievole: firmato il protocollo del SIIL",
         date=date(2025, 2, 26), topics=["integrazione-sociale-lavoro"], zones=["val-di-nievole"], tags=["newsletter"],
         norms=[("DGR", "544", 2023)],
         summary="La Società della Salute della Valdinievole e ARTI sottoscrivono il protocollo e le linee guida "
                 "dell'équipe unica sociale-lavoro.",
         body=[("paragraph", "<p>Con la firma di febbraio 2025 diventa stabile l'équipe unica sociale-lavoro avviata "
                             "in via sperimentale nell'agosto 2023. La scheda completa è tra le buone pratiche.</p>")]),
    dict(slug="senza-dimora-pon-inclusione-fead-emergenza",
         title="Persone senza dimora: le risorse PON Inclusione e FEAD riorientate all'emergenza",
         date=date(2021, 12, 9), topics=["abitare", "emergenza-urgenza-sociale", "poverta-e-inclusione"], zones=[],
         tags=[],
         summary="Con l'Avviso n. 4/2016 la Regione sostiene la rete per l'inclusione delle persone senza dimora "
                 "insieme agli Ambiti dei comuni capoluogo; durante la pandemia i piani FEAD sono stati modificati "
                 "per comprare kit sanitari.",
         body=[("paragraph", "<p>Sulle risorse dell'Avviso n. 4/2016, finanziato dal PON Inclusione e dal PO FEAD, la "
                             "Regione Toscana ha presentato il progetto «Rete regionale per l'inclusione delle persone "
                             "senza dimora», in partenariato con gli Ambiti territoriali dei comuni capoluogo.</p>"),
               ("paragraph", "<p>Con l'emergenza COVID-19 la Regione ha aiutato gli Ambiti a rivedere i piani "
                             "finanziari FEAD per acquistare kit sanitari e quanto serviva a proteggere le persone "
                             "senza casa. Il rapporto «Welfare e salute in Toscana 2021» ricorda anche l'impegno del "
                             "SEUS nel trovare sistemazioni sicure per chi, vittima di violenza, abbandono o grave "
                             "emarginazione, non ha un'abitazione o non può rientrarvi.</p>")]),
    dict(slug="smart-welfare-minori-e-famiglie",
         title="Uno «SMART Welfare» per bambini e famiglie durante l'emergenza",
         date=date(2021, 12, 13), topics=["minori-e-famiglie"], zones=[], tags=["newsletter"],
         summary="Come i servizi di prevenzione, promozione e protezione dei minori hanno mantenuto il contatto con "
                 "bambini e famiglie in modalità smart, e dove trovare le buone pratiche delle zone.",
         body=[("paragraph", "<p>Durante l'emergenza sanitaria il sistema dei servizi per l'infanzia e le famiglie si è "
                             "riorganizzato in modalità smart, per non perdere il contatto con bambine, bambini e "
                             "genitori e garantire continuità e qualità degli interventi.</p>"),
               ("paragraph", "<ul><li>La Regione ha sostenuto e coordinato la rete dei servizi sociali, socio-sanitari "
                             "e della giustizia in programmi integrati, mettendo insieme finanziamenti comunitari, "
                             "nazionali e regionali.</li><li>Le iniziative delle Zone distretto per i bambini "
                             "durante l'emergenza, realizzate anche con l'Autorità giudiziaria e con enti del Terzo "
                             "settore, sono documentate come buone pratiche sul sito minoritoscana.it.</li>"
                             "<li>Sono proseguite le azioni di formazione e aggiornamento degli operatori.</li></ul>")]),
    dict(slug="terzo-settore-comunita-competente-pandemia",
         title="Terzo settore e comunità competente: cosa è cambiato con la pandemia",
         date=date(2021, 12, 16), topics=["terzo-settore-e-coprogettazione"], zones=[], tags=[],
         norms=[("D.Lgs", "117", 2017)],
         summary="Le indagini dell'Osservatorio sociale regionale, di ANCI Toscana e del Cesvot: enti colpiti dalla "
                 "pandemia ma subito integrati con il pubblico; gli avvisi per i contributi in ambito sociale.",
         body=[("paragraph", "<p>In Toscana quasi 27.000 soggetti appartengono all'economia sociale e oltre 7.000 sono "
                             "enti del Terzo settore formalizzati, destinati al Registro unico nazionale (RUNTS). La "
                             "riforma avviata dal D.Lgs 117/2017 si basa sulla corresponsabilità tra pubblico e privato "
                             "e sull'uso diffuso di coprogrammazione e coprogettazione.</p>"),
               ("paragraph", "<p>Le indagini dell'Osservatorio sociale regionale, di ANCI Toscana e del Cesvot "
                             "mostrano che la pandemia ha pesato molto sulle attività degli enti, ma anche che il "
                             "volontariato si è integrato subito con il pubblico, ha portato risorse ai cittadini e ha "
                             "attivato reti di prossimità. Il lavoro di rete e la comunità competente, già presenti nel "
                             "Piano sociosanitario regionale 2018-2020, sono ormai pratica comune di operatori pubblici "
                             "e del Terzo settore.</p>"),
               ("paragraph", "<p>I progetti finanziati dagli avvisi per i contributi in ambito sociale del 2018 e del "
                             "2019 hanno potuto essere rimodulati per attenuare il disagio causato dalle misure "
                             "sanitarie, per esempio con la consegna a domicilio della spesa e dei medicinali ad anziani "
                             "e persone fragili. Gli avvisi 2020 e 2021 hanno finanziato associazioni di volontariato, "
                             "di promozione sociale e, nel 2021, fondazioni del Terzo settore: i numeri sono nella "
                             "sezione Dati.</p>")]),
] + ctssm.NEWS


def load_news(parent, norms, progress=None):
    for item in NEWS:
        ensure_page(
            parent, NewsPage, item["slug"], title=item["title"],
            date=item["date"], summary=item["summary"],
            body=BodyBlock().to_python([{"type": t, "value": v} for t, v in item["body"]]),
            m2m={"topics": topics(*item["topics"]), "zones": zones(*item["zones"]),
                 "related_norms": [norms[k] for k in item.get("norms", []) if k in norms]},
            tags=item["tags"], published_at=aware(item["date"], 9),
        )
        if progress:
            progress.update(1)
