"""News of the community, dated along its history."""
from datetime import date

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
]


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
