"""Load the demo content (idempotent). Filled in by the content of cms/demo/."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Carica i contenuti dimostrativi del portale (idempotente)."

    def handle(self, *args, **options):
        self.stdout.write("Nessun contenuto dimostrativo da caricare per ora: home page vuota.")
