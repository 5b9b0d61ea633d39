"""The help under every field of the admin forms, for a social worker who is not a web editor.

One place for all of them, by model and field name, each with an example. ``help_for(model, name)``
walks the model's classes (a practice inherits the summary's help from ContentPage); the admin
forms (cms.admin_forms) show it under the field. A field missing here keeps the help text its
model declares; tests/cms/test_help_texts.py checks that every field of every page type, inline
and snippet has one, in Italian and in the English catalog.
"""
from django.utils.translation import gettext_lazy as _

_DATE = _("Scrivi o scegli dal calendario la data (es. 15/05/2023).")

HELP = {
    "Page": {
        "title": _("Il titolo come lo leggeranno i visitatori, chiaro e senza sigle non spiegate. "
                   "Es. «Sportello unico per l'inclusione in Valdinievole»."),
        "slug": _("L'ultima parte dell'indirizzo della pagina: si compila da sola dal titolo. Cambiala solo se serve, "
                  "es. «sportello-inclusione-valdinievole»."),
        "seo_title": _("Facoltativo: un titolo diverso per Google e per la scheda del browser. Es. «Sportello inclusione – "
                       "Valdinievole»."),
        "search_description": _("Facoltativo: una frase che Google mostra sotto il titolo. Es. «Come funziona lo sportello "
                                "che unisce servizi sociali e Centro per l'impiego»."),
        "show_in_menus": _("Spunta solo per le pagine principali da mostrare nel menu del sito (es. «Buone pratiche»)."),
        "go_live_at": _("Facoltativo: la pagina diventa visibile solo da questo momento (es. 01/03/2025 09:00)."),
        "expire_at": _("Facoltativo: la pagina smette di essere visibile da questo momento (es. 31/12/2025 23:59)."),
    },
    "ContentPage": {
        "summary": _("Due o tre frasi che spiegano di cosa si tratta: compaiono negli elenchi, nella ricerca e nella "
                     "newsletter. Es. «Un'équipe di servizi sociali e Centro per l'impiego accoglie insieme le famiglie "
                     "che chiedono l'Assegno di inclusione»."),
        "topics": _("Scrivi parte del nome e scegli dall'elenco le aree tematiche di cui parla la pagina. Es. «Povertà "
                    "e inclusione», «Lavoro»."),
        "tags": _("Parole chiave separate da virgola, per ritrovare la pagina. Aggiungi «newsletter» per proporla alla "
                  "prossima edizione. Es. «équipe multidisciplinare, ADI»."),
        "zones": _("Scrivi parte del nome (es. «Mugello») e scegli dall'elenco le Zone distretto coinvolte. Vuoto se "
                   "riguarda tutta la Toscana."),
        "related_norms": _("Le norme a cui si collega: scrivi il numero o parole del titolo e scegli dall'elenco (es. "
                           "«544» per la DGR 544/2023)."),
        "attachments": _("Documenti da scaricare (PDF, slide, moduli). Es. il regolamento dello sportello in PDF."),
        "materials": _("Slide, documenti e video dell'incontro. Es. le slide dei relatori in PDF."),
        "body": _("Il testo della pagina. Usa i titoletti e gli elenchi puntati per renderlo facile da leggere."),
    },
    "IndexPage": {
        "intro": _("Poche righe in testa all'elenco che spiegano cosa si trova in questa sezione. Es. «Le esperienze "
                   "delle Zone distretto descritte in modo che altri territori possano riprenderle»."),
        "page_size": _("Quanti elementi mostrare in ogni pagina dell'elenco (es. 12)."),
    },
    "HomePage": {
        "intro": _("Il testo di benvenuto in cima alla home page. Es. «La Comunità di pratica dei servizi per "
                   "l'inclusione sociale in Toscana»."),
    },
    "StandardPage": {
        "summary": _("Una o due frasi che riassumono la pagina, mostrate sotto il titolo. Es. «Chi siamo e come "
                     "partecipare alla Comunità»."),
        "body": _("Il testo della pagina, a blocchi: paragrafi, titoletti, immagini, documenti. Es. la pagina "
                  "«Note legali»."),
    },
    "PracticePage": {
        "zona": _("La Zona distretto in cui la pratica è realizzata (obbligatoria). Scrivi nella casella per trovarla, "
                  "es. «Lunigiana»."),
        "owner_body": _("L'ente responsabile della pratica. Es. «Società della Salute della Valdinievole»."),
        "partner_kinds": _("Spunta i tipi di ente che collaborano. Es. «Centri per l'impiego / ARTI» e «Enti del Terzo "
                           "settore»."),
        "partners": _("I partner, uno per riga. Es. «Caritas diocesana di Pescia»."),
        "target_groups": _("A chi si rivolge la pratica. Es. «Nuclei beneficiari dell'Assegno di inclusione con minori»."),
        "objectives": _("Cosa si vuole ottenere, in poche righe o in un elenco. Es. «Ridurre i tempi di presa in carico "
                        "congiunta»."),
        "activities": _("Cosa si fa e come, passo per passo. Es. «Primo colloquio congiunto entro 15 giorni, patto di "
                        "inclusione firmato insieme»."),
        "core_team": _("Le figure sempre presenti, una per riga. Es. «assistente sociale», «operatore del Centro per "
                       "l'impiego»."),
        "extended_team": _("Le figure coinvolte secondo il caso, una per riga. Es. «psicologo del SerD»."),
        "tools": _("Gli strumenti usati. Es. scheda unica di segnalazione, protocolli d'intesa, piattaforma GePI."),
        "data_protection": _("Come sono trattati i dati personali delle persone seguite. Es. «Consenso informato unico, "
                             "accordo di contitolarità tra SdS e ARTI»."),
        "funding_sources": _("Spunta le fonti che finanziano la pratica. Es. «Fondo Povertà» e «PNRR»."),
        "funding_note": _("Un dettaglio sul finanziamento, se serve. Es. «PNRR M5C2 investimento 1.1.1, 2022-2025»."),
        "period_start": _("Quando è iniziata la pratica (es. 01/09/2022)."),
        "period_end": _("Quando è finita (es. 30/06/2024). Lascia vuoto se la pratica è ancora in corso."),
        "results": _("I risultati con i numeri, se ci sono. Es. «120 nuclei presi in carico, 35 inserimenti "
                     "lavorativi»."),
        "evaluation_level": _("Lo assegna la moderazione; finché non lo fa resta «da valutare». Emergente: avviata da "
                              "poco; promettente: primi risultati; buona pratica: risultati verificati e trasferibili."),
        "criteria_met": _("Spunta i criteri che la pratica soddisfa. Es. «trasferibilità» se un'altra zona può "
                          "riprenderla."),
        "lessons_learned": _("Cosa ha funzionato, cosa no e cosa consiglieresti a chi vuole ripeterla. Es. «Serve un "
                             "referente unico per ogni nucleo»."),
    },
    "PracticeContact": {
        "service": _("Il servizio da contattare, non una persona. Es. «Ufficio di piano della SdS Valdinievole»."),
        "address": _("Indirizzo della sede. Es. «Via Matteotti 19, Pescia»."),
        "email": _("Indirizzo e-mail del servizio, non personale. Es. «ufficiodipiano@sds.example.it»."),
        "phone": _("Telefono del servizio. Es. «0572 000000»."),
        "url": _("Sito del servizio, con https://. Es. «https://www.sdsvaldinievole.it»."),
        "private": _("Spunta se l'indirizzo è di una persona che ha acconsentito a essere contattata: non viene mai "
                     "mostrato e gli operatori le scrivono dal modulo del portale. Es. la referente del progetto."),
    },
    "NormPage": {
        "kind": _("Il tipo di atto. Es. «DGR - Delibera della Giunta regionale» per una delibera regionale."),
        "number": _("Solo il numero, senza anno (es. 544); per i regolamenti UE anche nella forma anno/numero "
                    "(2016/679)."),
        "date": _("La data di adozione dell'atto (es. 15/05/2023). Se non la conosci, indica almeno l'anno."),
        "year": _("Solo se la data esatta non è nota (es. 2005): con la data si ricava da solo."),
        "issuing_body": _("Chi ha emanato l'atto. Es. «Giunta regionale Toscana», «Parlamento»."),
        "authority": _("Di solito va lasciato vuoto: il portale lo ricava dal tipo e dall'ente. Serve solo per atti "
                       "particolari, es. «regione.toscana»."),
        "status": _("Se l'atto è ancora in vigore. Es. «modificata» se un atto successivo ne ha cambiato una parte."),
        "body": _("Cosa prevede l'atto e perché conta per i servizi. Es. «Istituisce l'équipe multidisciplinare "
                  "sociale-lavoro in ogni zona»."),
        "note": _("Note interne o di contesto, facoltative. Es. «In attesa dei decreti attuativi»."),
        "full_text_url": _("Indirizzo del testo ufficiale dell'atto: Normattiva, Gazzetta Ufficiale, BURT (Bollettino "
                           "ufficiale della Regione Toscana) o EUR-Lex. Es. «https://www.normattiva.it/...». Per le leggi "
                           "e i decreti dello Stato con data e numero, se lasciato vuoto, il portale collega Normattiva."),
        "full_text_document": _("Facoltativo: il PDF dell'atto caricato sul portale, se non c'è un collegamento "
                                "ufficiale. Es. l'allegato A della delibera."),
    },
    "NormRelation": {
        "kind": _("Cosa fa questo atto all'altro. Es. «attua» per una delibera che attua una legge."),
        "target": _("L'altro atto; scrivi il numero per trovarlo (es. «544»)."),
        "note": _("Facoltativa: quale parte è interessata. Es. «art. 3, comma 2»."),
    },
    "DataPage": {
        "indicator": _("Il nome dell'indicatore, identico per tutti i valori della stessa serie. Es. «Nuclei "
                       "beneficiari dell'Assegno di inclusione»."),
        "value": _("Il numero, con la virgola per i decimali. Es. 1250 oppure 12,5."),
        "unit": _("L'unità di misura. Es. «euro», «persone», «progetti», «%»."),
        "is_key_figure": _("Spunta per mostrare il dato tra i principali della home page (pochi, i più importanti)."),
        "period_label": _("Il periodo come lo leggerà il visitatore. Es. «2023», «gennaio-giugno 2024»."),
        "period_start": _("Il primo giorno del periodo (es. 01/01/2023)."),
        "period_end": _("L'ultimo giorno del periodo (es. 31/12/2023): ordina i valori della serie nel grafico."),
        "zona": _("La Zona distretto a cui si riferisce il dato. Vuoto per un dato di tutta la Toscana."),
        "source": _("Da dove viene il dato. Es. «INPS, Osservatorio sull'Assegno di inclusione»."),
        "source_url": _("Il collegamento alla fonte, con https://. Es. «https://www.inps.it/...»."),
        "note": _("Facoltative: come leggere il dato. Es. «Dato provvisorio, aggiornato a marzo»."),
    },
    "SeminarPage": {
        "start": _("Giorno e ora di inizio (es. 15/05/2025 09:30)."),
        "end": _("Giorno e ora di fine (es. 15/05/2025 13:00). Facoltativo."),
        "format": _("Come si partecipa: online, in presenza o in entrambi i modi."),
        "place": _("Sede e indirizzo, per gli incontri in presenza. Es. «Sala Pegaso, Piazza Duomo 10, Firenze»."),
        "online_link": _("Il link alla stanza virtuale o alla diretta. Es. «https://meet.example.it/seminario»."),
        "programme": _("Gli orari e gli interventi, uno per riga. Es. «9.30 Saluti – 10.00 Il SIIL nelle zone»."),
        "body": _("Di cosa parla il seminario e a chi è rivolto. Es. «Un confronto tra zone sull'équipe sociale-lavoro»."),
        "recording_url": _("Dopo l'incontro: il collegamento alla registrazione. Es. «https://www.youtube.com/...»."),
    },
    "SeminarSpeaker": {
        "name": _("Nome e cognome. Es. «Maria Rossi»."),
        "role": _("Il ruolo. Es. «Assistente sociale coordinatrice»."),
        "organisation": _("L'ente. Es. «SdS Pisana»."),
        "kind": _("Esperto, testimonianza di un territorio o moderazione."),
        "contribution": _("Il titolo dell'intervento. Es. «L'équipe multidisciplinare in pratica»."),
    },
    "WorkshopPage": {
        "theme": _("La domanda o il tema su cui lavora il laboratorio. Es. «Come costruire il patto di inclusione "
                   "insieme al Centro per l'impiego»."),
        "body": _("Come funziona il laboratorio e chi partecipa. Es. «Tre incontri con operatori di cinque zone»."),
        "services": _("I servizi che partecipano, uno per riga. Es. «Servizio sociale professionale SdS Pisana»."),
        "facilitators": _("Chi conduce, un nome per riga con l'ente. Es. «Luca Bianchi (ANCI Toscana)»."),
        "findings": _("Cosa è emerso: cosa funziona, cosa no, cosa resta aperto. Es. «Funziona: il colloquio "
                      "congiunto»."),
        "outputs": _("Cosa ha prodotto il laboratorio: schede, linee guida, proposte. Es. «Scheda di segnalazione "
                     "condivisa»."),
    },
    "WorkshopSession": {
        "start": _("Giorno e ora di inizio della sessione (es. 10/04/2025 14:30)."),
        "end": _("Giorno e ora di fine (es. 10/04/2025 17:30). Facoltativo."),
        "place": _("Dove si svolge. Es. «Online» o «Sede ANCI Toscana, Firenze»."),
        "note": _("Facoltativa. Es. «Sessione di restituzione»."),
    },
    "NewsPage": {
        "date": _("La data della notizia (es. 03/02/2025)."),
        "body": _("Il testo della notizia, a blocchi: paragrafi, titoletti, immagini, documenti."),
    },
    "Zona": {
        "name": _("Il nome ufficiale della Zona distretto. Es. «Valdinievole»."),
        "slug": _("Usato nell'indirizzo /zone/<slug>/, senza spazi né accenti. Es. «valdinievole»."),
        "azienda_usl": _("L'Azienda USL a cui appartiene la zona. Es. «Toscana Centro»."),
        "sds_status": _("Se nella zona opera una Società della Salute. «Da verificare» finché non è confermato."),
        "comuni": _("Un comune per riga (oppure separati da punto e virgola). Es. «Pescia; Montecatini Terme»."),
        "note": _("Note per la redazione, facoltative. Es. «Convenzione socio-sanitaria in rinnovo»."),
        "structure_name": _("Nome della Società della Salute o della struttura che gestisce la zona (es. «Società della "
                            "Salute Pisana»)."),
        "address": _("Sede della struttura di gestione. Es. «Via Saragat 24, Pisa»."),
        "email": _("Indirizzo e-mail pubblico della struttura. Es. «info@sds.example.it»."),
        "phone": _("Telefono pubblico della struttura. Es. «050 000000»."),
        "website": _("Sito ufficiale della Società della Salute o della zona, con https://. Es. «https://www.sds.example.it»."),
    },
    "Topic": {
        "name": _("Il nome dell'area tematica, breve. Es. «Abitare»."),
        "slug": _("Usato negli indirizzi e nei filtri, senza spazi né accenti. Es. «abitare»."),
        "description": _("Una frase che spiega cosa comprende. Es. «Emergenza abitativa, housing first, agenzie sociali "
                         "per la casa»."),
    },
}


def help_for(model, name: str):
    """The help text of field ``name`` on ``model`` (or on one of its bases), or None."""
    for cls in model.__mro__:
        text = HELP.get(cls.__name__, {}).get(name)
        if text is not None:
            return text
    return None


def apply(form, model) -> None:
    """Put the help texts on the fields of ``form`` (a form of ``model``)."""
    for name, field in form.fields.items():
        text = help_for(model, name)
        if text is not None:
            field.help_text = text
