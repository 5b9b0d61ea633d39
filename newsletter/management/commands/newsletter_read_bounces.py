"""Read the bounce mailbox now (what the beat task does every 5 minutes)."""
from django.core.management.base import BaseCommand, CommandError

from newsletter import conf
from newsletter.bounces import read_mailboxes
from newsletter.imap import MailboxError


class Command(BaseCommand):
    help = ("Legge la casella dei rimbalzi via IMAP (NEWSLETTER_BOUNCE_IMAP_*): registra rimbalzi e segnalazioni, "
            "blocca gli indirizzi, esegue le disiscrizioni arrivate per email.")

    def handle(self, *args, **options):
        if conf.imap_account("BOUNCE") is None and conf.imap_account("UNSUBSCRIBE") is None:
            raise CommandError("Nessuna casella configurata: imposta NEWSLETTER_BOUNCE_IMAP_HOST (e utente e password).")
        try:
            outcomes = read_mailboxes()
        except (MailboxError, OSError) as exc:
            raise CommandError(f"Casella non raggiungibile: {exc}") from None
        labels = {"hard": "rimbalzi permanenti", "soft": "rimbalzi temporanei", "complaint": "segnalazioni",
                  "unsubscribed": "disiscrizioni", "ignored": "messaggi ignorati"}
        summary = ", ".join(f"{labels.get(k, k)}: {n}" for k, n in sorted(outcomes.items())) or "nessun messaggio nuovo"
        self.stdout.write(f"Casella letta · {summary}")
