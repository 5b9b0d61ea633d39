"""Is the index in step with the database? Documents per type, outbox backlog, index version."""
import json

from django.core.management.base import BaseCommand

from search.indexing.status import collect


class Command(BaseCommand):
    help = "Stato della ricerca: pagine nel database e documenti nell'indice, modifiche in coda, versione dell'indice."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Stampa i dati in JSON.")

    def handle(self, *args, **options):
        status = collect()
        if options["json"]:
            self.stdout.write(json.dumps(status, default=str, indent=2))
            return
        out = self.stdout.write
        if not status["configured"]:
            out("Elasticsearch non configurato (ELASTICSEARCH_URL vuota): la ricerca usa il database.")
        index = status["index"] or {}
        documents = index.get("documents", {})
        out(f"{'tipo':<12}{'database':>10}{'indice':>10}")
        for kind in sorted(set(status["database"]) | set(documents)):
            db, ix = status["database"].get(kind, 0), documents.get(kind, 0)
            flag = "" if db == ix or not status["configured"] else "  <- diverso"
            out(f"{kind:<12}{db:>10}{ix:>10}{flag}")
        out(f"{'totale':<12}{status['database_total']:>10}{index.get('documents_total', 0):>10}")
        backlog = status["outbox"]
        out(f"Coda (outbox): {backlog['pending']} righe in attesa per {backlog['pending_pages']} pagine, "
            f"{backlog['failing']} con tentativi falliti"
            + (f", la più vecchia del {backlog['oldest_pending']:%Y-%m-%d %H:%M}" if backlog["oldest_pending"] else ""))
        if backlog["last_error"]:
            out(f"Ultimo errore: {backlog['last_error'][:300]}")
        if status["configured"]:
            if status.get("problem"):
                out(self.style.ERROR(status["problem"]))
            elif "error" in index:
                out(self.style.ERROR(f"Elasticsearch non raggiungibile: {index['error'][:300]}"))
            elif not index.get("read"):
                out(self.style.WARNING("Nessun indice: eseguire manage.py search_reindex."))
            else:
                meta = index.get("meta", {})
                out(f"Indice: {', '.join(index['read'])} (versione {index.get('version')}), "
                    f"scritture su: {', '.join(index['write'])}; sinonimi: {meta.get('synonyms_mode', '?')}")
                if "health" in index:
                    out(f"Shard: {index['shards']}, repliche: {index['replicas']}; cluster {index['health']['status']} "
                        f"con {index['health']['nodes']} nodi")
                if index.get("reindex_needed"):
                    schema = index["schema"]
                    out(self.style.WARNING(
                        f"Schema dell'indice diverso da quello del codice ({schema['index'] or 'sconosciuto'} "
                        f"invece di {schema['code']}): eseguire manage.py search_reindex."))
