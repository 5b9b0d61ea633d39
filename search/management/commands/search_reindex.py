"""Rebuild the search index without downtime (new version, bulk load, atomic alias swap)."""
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.engine.client import is_configured
from search.indexing.reindex import rebuild


class Command(BaseCommand):
    help = (
        "Ricostruisce l'indice di ricerca: nuova versione, caricamento dal database con barra di "
        "avanzamento, scambio atomico dell'alias, recupero delle modifiche nel frattempo, "
        "rimozione della versione precedente. Le ricerche continuano a funzionare."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep-old", action="store_true", help="Non cancellare la versione precedente.")
        parser.add_argument("--no-progress", action="store_true", help="Senza barra di avanzamento.")

    def handle(self, *args, **options):
        if not is_configured():
            raise CommandError("ELASTICSEARCH_URL non è impostata: la ricerca usa il database, non c'è nulla da indicizzare.")
        def progress(total):
            return tqdm(total=total, unit="pagine", desc="Indicizzazione", file=self.stderr, disable=options["no_progress"])

        try:
            report = rebuild(progress=progress, keep_old=options["keep_old"])
        except Exception as exc:
            raise CommandError(f"Reindicizzazione non riuscita, l'indice precedente resta attivo: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Indice {report.index}: {report.loaded} pagine caricate, {report.skipped} escluse, "
            f"{report.caught_up} recuperate dopo il caricamento, {report.errors} errori, in {report.seconds}s."
        ))
        if options["verbosity"] >= 2:
            phases = ", ".join(f"{phase} {seconds:.2f}s" for phase, seconds in report.phases.items())
            self.stdout.write(f"Fasi: {phases}")
        if report.previous:
            self.stdout.write(f"Versioni precedenti: {', '.join(report.previous)}"
                              + (" (conservate)" if options["keep_old"] else " (rimosse)"))
