"""Signals of the accounts concern: a profile for every user; a hook for other apps on deletion."""
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

#: Sent just before a member's account is erased (GDPR): ``sender=User, user=..., email=...``.
#: Apps holding personal data keyed by e-mail (e.g. the newsletter) erase theirs here.
account_deleting = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_profile_for_user")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from portal.accounts.models import Profile

        Profile.objects.get_or_create(user=instance)
