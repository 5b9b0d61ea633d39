"""Signals of the accounts concern: profile per user, Operatore on verification, referents on the practices index."""
from allauth.account.signals import email_confirmed, user_signed_up
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_profile_for_user")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from portal.accounts.models import Profile

        Profile.objects.get_or_create(user=instance)


@receiver(post_save, sender="cms.PracticeIndexPage", dispatch_uid="accounts_roles_on_practice_index")
def grant_roles_on_practice_index(sender, instance, created, raw=False, **kwargs):
    """The practices index is made by editors or the demo loader, after the roles migration."""
    if created and not raw:
        from django.apps import apps

        from portal.roles import grant_practice_index

        grant_practice_index(apps, instance.pk)


def add_to_member_role(user) -> None:
    """A verified member is an Operatore (the base role; staff add the others in the admin)."""
    from django.contrib.auth.models import Group

    from portal.roles import OPERATORE

    group, _ = Group.objects.get_or_create(name=OPERATORE)
    user.groups.add(group)


@receiver(email_confirmed, dispatch_uid="accounts_operatore_on_email_confirmed")
def member_on_email_confirmed(sender, request, email_address, **kwargs):
    add_to_member_role(email_address.user)


@receiver(user_signed_up, dispatch_uid="accounts_operatore_on_verified_signup")
def member_on_verified_signup(sender, request, user, **kwargs):
    """Single sign-on signups may arrive with an e-mail the provider already verified."""
    from allauth.account.models import EmailAddress

    if EmailAddress.objects.filter(user=user, verified=True).exists():
        add_to_member_role(user)


@receiver(page_published, dispatch_uid="accounts_seminar_capacity_raised")
def promote_when_capacity_grows(sender, instance, **kwargs):
    """An editor raising a seminar's capacity confirms people from the waiting list."""
    if getattr(instance, "capacity", None) is not None and sender.__name__ == "SeminarPage":
        from portal.accounts.registrations import fill_free_seats

        fill_free_seats(instance)
