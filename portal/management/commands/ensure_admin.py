"""Create the first administrator if there is none (used by `make run`)."""
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from portal.config import env_str


class Command(BaseCommand):
    help = "Crea l'account amministratore iniziale (ADMIN_EMAIL / ADMIN_PASSWORD, oppure generato e stampato)."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("Amministratore già presente: nessuna modifica.")
            return
        email = env_str("ADMIN_EMAIL", "admin@example.org")
        password = env_str("ADMIN_PASSWORD")
        generated = password is None
        if generated:
            password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username="admin", email=email, password=password)
        try:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        except Exception:  # allauth tables absent in a partial migration: the account still works in the admin
            pass
        self.stdout.write(self.style.SUCCESS(f"Amministratore creato: {email}"))
        if generated:
            self.stdout.write(self.style.WARNING(f"Password generata (annotala): {password}"))
