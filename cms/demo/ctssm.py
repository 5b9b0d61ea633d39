"""The contribution of the Bologna metropolitan conference (CTSSM) to the 2022 governance seminar, as two news pages.

The source document (the presentation of the CTSSM's three-year act of direction, Budrio, 18 April 2018)
lists about fifteen priorities; before these pages they existed on the portal only as one speaker line, so
nobody could find "casa come fattore di autonomia" or "giovani stranieri". The text is ours, the facts theirs.
"""
from datetime import date

GOVERNANCE_SUMMARY = (
    "Il contributo della Conferenza Territoriale Sociale e Sanitaria Metropolitana di Bologna al seminario sulla "
    "governance zonale: integrare tutti i settori del welfare, contrastare l'impoverimento, la casa come fattore di "
    "autonomia, la collaborazione con il Terzo settore."
)

GOVERNANCE_BODY = [
    ("paragraph",
     "<p>Al seminario «Governance zonale e integrazione» l'Ufficio di Supporto della CTSSM di Bologna ha presentato "
     "l'atto di indirizzo e coordinamento triennale della Conferenza, che accompagna la programmazione dei territori "
     "e disegna la cornice delle priorità del welfare metropolitano. Il testo era stato presentato a Budrio il 18 "
     "aprile 2018.</p>"),
    ("heading", "Da dove vengono i compiti della Conferenza"),
    ("paragraph",
     "<p>Due atti della Regione Emilia-Romagna, che si completano: la delibera dell'Assemblea legislativa n. 120/2017 "
     "(Piano sociale e sanitario 2017-2019) e la delibera di Giunta n. 1442/2016 sulla composizione e il "
     "funzionamento della Conferenza. L'allegato della DGR 1442/2016 (art. 3, comma 2) affida alla CTSSM "
     "l'approvazione dell'atto triennale con le priorità strategiche in area sociale, sociosanitaria, compresa la "
     "non autosufficienza, e sanitaria.</p>"),
    ("heading", "Verso un nuovo welfare: livelli essenziali e innovazione sociale"),
    ("paragraph",
     "<ul><li>Non basta integrare sociale e sanitario: l'integrazione va estesa al socio-educativo, all'istruzione, "
     "al lavoro e alle politiche abitative.</li><li>Superare la frammentazione e ricostruire il quadro completo "
     "delle risorse.</li><li>Rafforzare le Unioni dei Comuni accompagnandone il riordino istituzionale e "
     "gestionale, con l'aiuto tecnico dell'Ufficio di Supporto e della Struttura Tecnica Metropolitana.</li></ul>"),
    ("heading", "Inclusione sociale e misure contro la povertà"),
    ("paragraph",
     "<p>La Conferenza lavora perché le misure di contrasto alla povertà, a partire da REI e RES, siano applicate in "
     "modo omogeneo e integrato con le politiche sanitarie e del lavoro. Ufficio di Supporto e Struttura Tecnica "
     "coordinano e monitorano gli interventi, qualificano gli sportelli sociali e animano gruppi di lavoro per "
     "percorsi di presa in carico uguali in tutto il territorio.</p>"),
    ("heading", "Contrastare l'impoverimento"),
    ("paragraph",
     "<p>Nuove forme di collaborazione tra istituzioni, cittadini, Terzo settore e imprese per una risposta comune "
     "alle persone più vulnerabili. Il Patto metropolitano per il lavoro e lo sviluppo economico e sociale e il Patto "
     "metropolitano per il contrasto alle fragilità sociali sostengono le categorie a rischio di impoverimento, per "
     "esempio con la rete metropolitana degli empori solidali. L'Albo metropolitano delle Aziende inclusive diffonde "
     "percorsi di inserimento lavorativo delle persone svantaggiate.</p>"),
    ("heading", "La casa come fattore di autonomia"),
    ("paragraph",
     "<ul><li>Politiche abitative integrate con quelle sociali, per un inserimento graduale di chi non riesce ancora "
     "a trovare un alloggio a prezzi di mercato, come le donne vittime di violenza o gli adulti senza fissa "
     "dimora.</li><li>Forme innovative come il co-housing, per le persone fragili e sole.</li><li>Social housing e "
     "recupero del patrimonio edilizio pubblico e privato contro l'impoverimento del ceto medio, unendo opportunità "
     "di lavoro e di abitazione.</li></ul>"),
    ("heading", "Pubblico, privato e Terzo settore"),
    ("paragraph",
     "<p>La Conferenza promuove luoghi di confronto con i soggetti privati e il Terzo settore, modelli di intervento "
     "omogenei e partenariati pubblico-privato sociale. La Città metropolitana ha firmato il Patto metropolitano di "
     "collaborazione con il Terzo settore per il contrasto alle fragilità sociali e, con il Comune di Bologna, "
     "lavora a un'Istituzione metropolitana per l'inclusione sociale e comunitaria.</p>"),
    ("heading", "Gli strumenti tecnici"),
    ("paragraph",
     "<p>Per realizzare un programma così ampio serve una struttura tecnica più forte: più investimenti della Città "
     "metropolitana, una convenzione con le Aziende sanitarie per la Struttura Tecnica Metropolitana, accordi con le "
     "Unioni, progetti sovradistrettuali e sistemi informativi per la programmazione. I passi successivi: "
     "approvazione dell'atto, Profilo di Comunità e Piano delle Attività.</p>"),
]

PEOPLE_SUMMARY = (
    "Le altre priorità dell'atto di indirizzo della CTSSM di Bologna: tornare ai giovani, scuola e povertà "
    "educativa, tutela dei minori, accoglienza dei migranti, pari opportunità e disabilità, prevenzione, "
    "domiciliarità e Case della Salute."
)

PEOPLE_BODY = [
    ("paragraph",
     "<p>La seconda parte del contributo della Conferenza Territoriale Sociale e Sanitaria Metropolitana di Bologna "
     "riguarda le persone e le fasi della vita: bambini e ragazzi, famiglie, persone di origine straniera, donne, "
     "persone con disabilità e anziani non autosufficienti.</p>"),
    ("heading", "Ritornare ai giovani"),
    ("paragraph",
     "<p>Rilanciare i coordinamenti distrettuali e tecnici per l'infanzia e l'adolescenza, ricollegando servizi e "
     "opportunità fin dai primi giorni di vita, con percorsi omogenei tra i distretti. Il benessere di bambini e "
     "adolescenti è visto come base della cittadinanza attiva: servono reti riconosciute in cui lavorino insieme "
     "operatori sociali, sanitari ed educativi.</p>"),
    ("heading", "Servizi socio-educativi e scuola"),
    ("paragraph",
     "<ul><li>Servizi per l'infanzia in rete con quelli socio-sanitari, culturali e sportivi, attenti ai bambini in "
     "situazione di svantaggio; risorse messe a sistema per la filiera 0-6 prevista dalla legge 107/2015; regole "
     "di accesso ai servizi socio-educativi omogenee in tutta l'area metropolitana.</li>"
     "<li>La scuola come alleata contro la povertà educativa: coprogettazione distrettuale tra servizi, Comuni, "
     "Unioni e istituti scolastici con il Terzo settore; sportelli di ascolto nelle scuole, uso consapevole dei "
     "media, spazi di aggregazione giovanile, percorsi di recupero e di orientamento; il sostegno delle fondazioni "
     "bancarie.</li></ul>"),
    ("heading", "Tutela dei minori in difficoltà"),
    ("paragraph",
     "<p>Strumenti di lavoro multidimensionali e multiprofessionali tra servizi sociali, educativi e sanitari (DGR "
     "Emilia-Romagna 1102/2014) per prevenire l'allontanamento dei bambini dalla famiglia di origine e qualificare "
     "l'accoglienza fuori famiglia e l'adozione.</p>"),
    ("heading", "Accoglienza e integrazione dei migranti"),
    ("paragraph",
     "<p>Il fenomeno migratorio pone ai servizi territoriali questioni cruciali. L'Ufficio di Supporto vuole "
     "formare gli operatori all'intercultura e qualificare la mediazione linguistico-culturale, integrare i punti "
     "di accesso ai servizi, sostenere il progetto metropolitano SPRAR e il progetto regionale «Oltre la strada» e "
     "il lavoro di comunità. Attenzione particolare alle migrazioni femminili, ai giovani stranieri o di origine "
     "straniera e ai loro diritti di cittadinanza, all'insegnamento dell'italiano come lingua seconda ai nuovi "
     "arrivati.</p>"),
    ("heading", "Pari opportunità e violenza contro le donne"),
    ("paragraph",
     "<p>L'Accordo metropolitano del 2015 per l'accoglienza, l'ascolto e l'ospitalità delle donne che hanno subito "
     "violenza e il Protocollo del 2017 sulla violenza nelle relazioni di intimità; il progetto Gender Label con le "
     "aziende del territorio sulle politiche di genere e il welfare aziendale; tavoli di coordinamento tecnico e "
     "politico.</p>"),
    ("heading", "Disabilità lungo tutto il ciclo di vita"),
    ("paragraph",
     "<p>Ricomporre le opportunità e i servizi che favoriscono la partecipazione sociale e la vita indipendente delle "
     "persone disabili, e garantire un progetto di vita a chi è o resterà senza il sostegno della famiglia: "
     "interventi socio-sanitari con il FRNA/FNA e il programma «Dopo di Noi». La legge 104/1992 garantisce ai "
     "bambini con disabilità servizi educativi e istruzione, con il lavoro congiunto di scuole, servizi sanitari e "
     "Comuni.</p>"),
    ("heading", "Prevenzione e promozione della salute"),
    ("paragraph",
     "<p>Contesti sociali che favoriscano comportamenti sani, integrando la sanità con gli altri settori: educazione "
     "prescolare, abbandono scolastico, benessere lavorativo, protezione sociale e riduzione della povertà, secondo "
     "il Piano regionale della prevenzione 2016-2019.</p>"),
    ("heading", "Dalla domiciliarità alle cure intermedie"),
    ("paragraph",
     "<p>Superare un'offerta frammentata di posti nelle strutture residenziali rafforzando la funzione pubblica di "
     "garanzia e controllo; un servizio pubblico di consulenza e orientamento sulle soluzioni per la non "
     "autosufficienza; iniziative a sostegno della domiciliarità.</p>"),
    ("heading", "Le Case della Salute"),
    ("paragraph",
     "<p>Le Case della Salute sono l'evoluzione dell'assistenza territoriale per chi ha bisogni socio-sanitari "
     "complessi: una comunità professionale multiprofessionale e interistituzionale, la presa in carico integrata, la "
     "medicina di iniziativa che intercetta la fragilità, l'auto-mutuo aiuto.</p>"),
]

NEWS = [
    dict(slug="ctssm-bologna-integrazione-poverta-casa",
         title="Welfare metropolitano di Bologna: integrazione, impoverimento, casa e Terzo settore",
         date=date(2022, 3, 14), topics=["terzo-settore-e-coprogettazione", "poverta-e-inclusione", "abitare"],
         zones=[], tags=["esperienze extra-regionali"], norms=[("DGR", "1442", 2016)],
         summary=GOVERNANCE_SUMMARY, body=GOVERNANCE_BODY),
    dict(slug="ctssm-bologna-giovani-migranti-disabilita",
         title="Welfare metropolitano di Bologna: giovani, scuola, migranti, pari opportunità e salute",
         date=date(2022, 3, 15), topics=["minori-e-famiglie", "migrazioni", "disabilita", "violenza-di-genere"],
         zones=[], tags=["esperienze extra-regionali"], norms=[("DGR", "1442", 2016)],
         summary=PEOPLE_SUMMARY, body=PEOPLE_BODY),
]
