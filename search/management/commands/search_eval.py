"""Measure relevance on the judged query set: nDCG@10, MRR@10, success@3, zero results, per backend."""
import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from search import evaluation
from search.evaluation_backends import BACKENDS, EvaluationError, measure, missing_pages, related_function, run_related


class Command(BaseCommand):
    help = (
        "Valuta la pertinenza della ricerca sulle query giudicate (search/data/judgments.json): nDCG@10, MRR@10, "
        "successo@3 e quota di ricerche senza risultati per Elasticsearch, il database e il backend elasticsearch8 "
        "di Wagtail con le impostazioni predefinite, con le query peggiori."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Stampa il risultato in JSON.")
        parser.add_argument("--backend", action="append", choices=BACKENDS,
                            help="Solo questo backend (ripetibile). Predefinito: tutti e tre.")
        parser.add_argument("--worst", type=int, default=15, help="Quante query peggiori elencare per backend.")
        parser.add_argument("--reindex", action="store_true",
                            help="Ricostruisce prima l'indice Elasticsearch del portale (search_reindex).")
        parser.add_argument("--judgments", default=str(evaluation.JUDGMENTS), help="File delle query giudicate.")

    def handle(self, *args, **options):
        queries, related = evaluation.load(options["judgments"])
        absent = missing_pages(evaluation.judged_keys(queries, related))
        if absent:
            raise CommandError(
                f"Pagine giudicate assenti nel database ({', '.join(sorted(absent))}): carica i contenuti "
                "dimostrativi con `manage.py load_demo`."
            )
        if options["reindex"]:
            call_command("search_reindex", "--no-progress", stdout=self.stderr)
        try:
            summaries = measure(queries, options["backend"] or BACKENDS)
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        precision = None
        if related_function() is not None:
            precision = evaluation.related_precision(related, run_related(related))
        if options["json"]:
            self.stdout.write(json.dumps({
                "queries": len(queries), "backends": [s.as_dict(options["worst"]) for s in summaries],
                "related_precision@4": None if precision is None else round(precision, 4),
                "related_pairs": len(related),
            }, indent=2, ensure_ascii=False))
            return
        self.stdout.write(evaluation.table(summaries))
        self.stdout.write(
            f"related precision@4 ({len(related)} pagine): "
            + ("related_pages non ancora disponibile" if precision is None else f"{precision:.3f}")
        )
        for summary in summaries:
            self.stdout.write("")
            self.stdout.write(evaluation.worst_text(summary, options["worst"]))
