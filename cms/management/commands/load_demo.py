"""Load the demo content on top of ``setup_site`` (idempotent: pages that exist are left as they are)."""
import sys

from django.core.management.base import BaseCommand

from cms.demo.loader import load_all
from cms.setup import setup_site
from cms.permissions import ensure_page_permissions


class Command(BaseCommand):
    help = "Carica i contenuti dimostrativi del portale (idempotente)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Non mostrare la barra di avanzamento.")

    def handle(self, *args, **options):
        import logging

        from wagtail.models import Page

        for name in ("wagtail", "django_tasks"):  # one line per page would bury the progress bar
            logging.getLogger(name).setLevel(logging.WARNING)

        before = Page.objects.count()
        setup_site()  # the frame every site has; the demo adds its items on top
        load_all(stdout=sys.stderr, disable_progress=options["no_progress"])
        ensure_page_permissions()
        created = Page.objects.count() - before
        self.stdout.write(self.style.SUCCESS(f"Contenuti dimostrativi pronti: {created} pagine nuove."))
