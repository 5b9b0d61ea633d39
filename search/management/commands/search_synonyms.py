"""Send the synonym rules (data file + admin) to Elasticsearch, e.g. after a deploy that changed the file."""
from django.core.management.base import BaseCommand, CommandError

from search.engine.client import is_configured
from search.indexing.reindex import apply_rule_change
from search.indexing.synonyms import all_rules


class Command(BaseCommand):
    help = "Invia a Elasticsearch le regole dei sinonimi (file e amministrazione); ricarica gli analizzatori senza reindicizzare."

    def handle(self, *args, **options):
        if not is_configured():
            raise CommandError("ELASTICSEARCH_URL non è impostata.")
        ran = apply_rule_change()
        self.stdout.write(self.style.SUCCESS(f"{len(all_rules())} regole; applicate con: {ran}"))
