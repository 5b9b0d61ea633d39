"""Re-apply the roles table (portal/roles.py) to the groups; only adds permissions."""
from django.apps import apps
from django.core.management.base import BaseCommand

from portal.roles import sync_roles


class Command(BaseCommand):
    help = "Crea i gruppi dei ruoli e assegna i permessi previsti (solo aggiunte)."

    def handle(self, *args, **options):
        groups = sync_roles(apps)
        for name, group in groups.items():
            self.stdout.write(f"{name}: {group.permissions.count()} permessi")
