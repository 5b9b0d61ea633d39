"""Reactions to other apps: a member who deletes their account loses their subscription too."""
from django.dispatch import receiver

from portal.membership import account_deleting


@receiver(account_deleting, dispatch_uid="newsletter_erase_with_account")
def erase_with_account(sender, user=None, email=None, **kwargs):
    from django.db.models import Q

    from newsletter.models import Subscriber
    from newsletter.subscriptions import erase

    query = Q(user=user) if user is not None and user.pk else Q(pk__in=[])
    if email:
        query |= Q(email__iexact=email)
    for subscriber in Subscriber.objects.filter(query):
        erase(subscriber)
