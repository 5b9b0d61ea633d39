"""Set up an empty portal: section pages, menu, privacy and accessibility templates, reference norms (idempotent)."""
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Prepara il sito vuoto: sezioni e menu, informativa privacy e dichiarazione di accessibilità da "
            "completare, norme di riferimento. Idempotente; nessun contenuto dimostrativo.")

    def handle(self, *args, **options):
        import logging

        from cms.setup import setup_site

        logging.getLogger("wagtail").setLevel(logging.WARNING)  # one line per page otherwise
        try:
            report = setup_site()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Sito pronto: {report.pages_created} pagine nuove, {report.norms} norme, "
            f"{report.zones} zone distretto, {report.topics} aree tematiche."
        ))
        for path in report.to_complete:
            self.stdout.write(self.style.WARNING(f"Da completare (campi [DA COMPLETARE: ...]): {path}"))
