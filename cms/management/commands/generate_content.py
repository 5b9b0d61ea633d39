"""Generate deterministic synthetic content at scale (for benchmarks)."""
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.demo.site import build_tree
from cms.generate import Generator


class Command(BaseCommand):
    help = "Genera contenuti sintetici deterministici (buone pratiche, seminari, norme) per i benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=0, help="Quante buone pratiche generare.")
        parser.add_argument("--seminars", type=int, default=0, help="Quanti seminari generare.")
        parser.add_argument("--norms", type=int, default=0, help="Quante norme generare.")
        parser.add_argument("--seed", type=int, default=1, help="Seme del generatore: stesso seme, stessi contenuti.")
        parser.add_argument("--batch-size", type=int, default=500, help="Pagine inserite per transazione.")
        parser.add_argument("--no-progress", action="store_true", help="Non mostrare la barra di avanzamento.")

    def handle(self, *args, **options):
        counts = {k: options[k] for k in ("practices", "seminars", "norms")}
        if any(v < 0 for v in counts.values()):
            raise CommandError("I numeri di contenuti da generare non possono essere negativi.")
        if not any(counts.values()):
            raise CommandError("Indicare almeno uno tra --practices, --seminars e --norms.")
        import logging

        for name in ("wagtail", "django_tasks"):
            logging.getLogger(name).setLevel(logging.WARNING)
        tree = build_tree()
        with tqdm(total=sum(counts.values()), desc="Contenuti generati", unit="pag", file=sys.stderr,
                  disable=options["no_progress"]) as bar:
            generator = Generator(options["seed"], batch_size=options["batch_size"], progress=bar)
            generator.practices(tree["buone-pratiche"], counts["practices"])
            generator.seminars(tree["seminari"], counts["seminars"])
            generator.norms(tree["quadro-normativo"], counts["norms"])
        self.stdout.write(self.style.SUCCESS("Contenuti generati: " + ", ".join(f"{k}={v}" for k, v in counts.items())))
