"""Record a bounce or a complaint by hand or from a mail-server hook (hard bounces and complaints suppress)."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from newsletter.models import BounceRecord
from newsletter.subscriptions import is_suppressed, record_bounce


class Command(BaseCommand):
    help = "Registra un rimbalzo o una segnalazione: hard e complaint bloccano l'indirizzo."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="L'indirizzo che ha rimbalzato.")
        parser.add_argument("--kind", required=True, choices=BounceRecord.Kind.values,
                            help="hard (permanente), soft (temporaneo), complaint (segnalazione di spam).")
        parser.add_argument("--detail", default="", help="Il messaggio del server, facoltativo.")

    def handle(self, *args, email, kind, detail, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Indirizzo non valido: {email}") from None
        record = record_bounce(email, kind, detail)
        suppressed = is_suppressed(email)  # soft bounces too, past NEWSLETTER_SOFT_BOUNCE_THRESHOLD
        self.stdout.write(f"Registrato: {record.get_kind_display()}" + (" · indirizzo bloccato" if suppressed else ""))
