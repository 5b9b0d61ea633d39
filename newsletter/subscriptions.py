"""The life of a subscription: request, confirm, preferences, unsubscribe, export, erase, bounce.

Views, commands and tasks call these functions; nothing else changes a
subscriber's status, so every change leaves its consent record.
"""
from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsletter import conf, reporting
from newsletter.models import (
    BounceRecord,
    ConsentRecord,
    Delivery,
    Subscriber,
    SuppressedAddress,
    email_hash,
)

Source = ConsentRecord.Source
DATA_LINK_QUIET_SECONDS = 300
log = logging.getLogger(__name__)


def ip_hash(ip: str | None) -> str:
    """Keyed hash of the client address: enough to spot abuse, not to recover the address."""
    if not ip:
        return ""
    return salted_hmac("newsletter.consent.ip", ip, algorithm="sha256").hexdigest()


def find_by_email(email: str) -> Subscriber | None:
    return Subscriber.objects.filter(email__iexact=(email or "").strip()).first()


def _record(subscriber, action, source, ip=None, privacy_version=conf.PRIVACY_VERSION):
    return ConsentRecord.objects.create(
        subscriber=subscriber, action=action, source=source,
        privacy_version=privacy_version or "", ip_hash=ip_hash(ip),
    )


def _set_preferences(subscriber, topics, zones):
    if topics is not None:
        subscriber.topics.set(topics)
    if zones is not None:
        subscriber.zones.set(zones)


def _locked_subscriber_for(email: str) -> tuple[Subscriber, bool]:
    """The subscriber of an address, row-locked, created pending if new (safe against double submits)."""
    email = email.strip()
    existing = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email, status=Subscriber.Status.PENDING), True
    except IntegrityError:  # the same address was submitted twice at once
        return Subscriber.objects.select_for_update().get(email__iexact=email), False


def _queue_mail(task, subscriber_id: int, *args) -> None:
    """Queue a transactional mail; with the broker away, send it now rather than lose it."""
    try:
        task.delay(subscriber_id, *args)
    except Exception:  # kombu raises several kinds when the broker is unreachable
        log.warning("newsletter: broker unavailable, sending %s in-process", task.name, exc_info=True)
        task.apply(args=(subscriber_id, *args))


def request_subscription(email, name="", *, topics=None, zones=None, ip=None) -> Subscriber:
    """Public form: record consent and mail a confirmation link (or a reminder if already active).

    The caller answers the same way in every case, so the form does not reveal who is subscribed.
    """
    from newsletter import notice_tasks as tasks

    with transaction.atomic():
        subscriber, _created = _locked_subscriber_for(email)
        if subscriber.status == Subscriber.Status.ACTIVE:
            transaction.on_commit(lambda: _queue_mail(tasks.send_already_subscribed_mail, subscriber.pk))
            return subscriber
        subscriber.status = Subscriber.Status.PENDING
        if name:
            subscriber.name = name.strip()
        subscriber.save()
        _set_preferences(subscriber, topics, zones)
        _record(subscriber, ConsentRecord.Action.GIVEN, Source.FORM, ip)
        transaction.on_commit(lambda: _queue_mail(tasks.send_confirmation_mail, subscriber.pk))
    return subscriber


class NotConfirmable(Exception):
    """The subscription behind a valid link is no longer waiting for confirmation."""


def confirm_subscription(key, ip=None) -> Subscriber:
    """Activate a pending subscriber (idempotent for an already active one)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(key=key)
        if subscriber.status == Subscriber.Status.ACTIVE:
            return subscriber
        if subscriber.status != Subscriber.Status.PENDING:
            raise NotConfirmable(subscriber.status)
        given = subscriber.consents.filter(action=ConsentRecord.Action.GIVEN).order_by("-created_at").first()
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save()
        # A confirmed address is deliverable and wanted again.
        SuppressedAddress.objects.filter(email_hash=email_hash(subscriber.email)).delete()
        _record(
            subscriber, ConsentRecord.Action.CONFIRMED, Source.CONFIRM_LINK, ip,
            privacy_version=given.privacy_version if given else conf.PRIVACY_VERSION,
        )
        _welcome(subscriber)
    return subscriber


def _welcome(subscriber) -> None:
    """The welcome mail with the manage links, once the subscription is confirmed."""
    from newsletter import notice_tasks as tasks

    transaction.on_commit(lambda: _queue_mail(tasks.send_welcome_mail, subscriber.pk))


def verified_member_email(user) -> str | None:
    """The member's primary address if allauth has verified it (then no confirmation mail is needed)."""
    if not user or not user.is_authenticated or not user.email:
        return None
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    return user.email if verified else None


def member_subscription(user) -> Subscriber | None:
    email = verified_member_email(user)
    return find_by_email(email) if email else None


def subscribe_member(user, ip=None) -> Subscriber:
    """One click from a logged-in member whose address is verified."""
    email = verified_member_email(user)
    if email is None:
        raise PermissionError("member address not verified")
    with transaction.atomic():
        subscriber, _created = _locked_subscriber_for(email)
        if subscriber.status == Subscriber.Status.ACTIVE and subscriber.user_id == user.pk:
            return subscriber
        was_active = subscriber.status == Subscriber.Status.ACTIVE
        subscriber.user = user
        if not subscriber.name:
            subscriber.name = user.get_full_name()
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.confirmed_at = subscriber.confirmed_at if was_active else timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save()
        if not was_active:
            SuppressedAddress.objects.filter(email_hash=email_hash(email)).delete()
            _record(subscriber, ConsentRecord.Action.GIVEN, Source.MEMBER, ip)
            _welcome(subscriber)
    return subscriber


def update_preferences(subscriber, *, name=None, topics=None, zones=None) -> Subscriber:
    with transaction.atomic():
        if name is not None:
            subscriber.name = name.strip()
            subscriber.save(update_fields=["name", "updated_at"])
        _set_preferences(subscriber, topics, zones)
    return subscriber


def unsubscribe(subscriber, source=Source.UNSUBSCRIBE, ip=None) -> bool:
    """Stop all mail to the subscriber. Returns False when there was nothing to change."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status in (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.SUPPRESSED):
            return False
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save()
        _record(subscriber, ConsentRecord.Action.WITHDRAWN, source, ip, privacy_version="")
        reporting.count_unsubscribe(subscriber)
    return True


def export_data(subscriber) -> dict:
    """Everything stored about the subscriber, for the GDPR download."""
    def iso(value):
        return value.isoformat() if value else None

    deliveries = subscriber.deliveries.select_related("edition").order_by("edition__number")
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "status": subscriber.status,
        "created_at": iso(subscriber.created_at),
        "confirmed_at": iso(subscriber.confirmed_at),
        "unsubscribed_at": iso(subscriber.unsubscribed_at),
        "linked_account": bool(subscriber.user_id),
        "topics": [t.name for t in subscriber.topics.all()],
        "zones": [z.name for z in subscriber.zones.all()],
        "consents": [
            {"action": c.action, "source": c.source, "privacy_version": c.privacy_version, "at": iso(c.created_at)}
            for c in subscriber.consents.all()
        ],
        "deliveries": [
            {"edition": d.edition.title, "status": d.status, "sent_at": iso(d.sent_at)} for d in deliveries
        ],
    }


def request_data_link(subscriber, purpose: str) -> None:
    """Mail the subscriber the link that downloads (``export``) or erases (``erase``) their data."""
    from django.core.cache import cache

    from newsletter import notice_tasks as tasks

    # One mail per purpose every few minutes: a forwarded link must not become a way to flood the inbox.
    if not cache.add(f"newsletter:data-link:{subscriber.pk}:{purpose}", 1, DATA_LINK_QUIET_SECONDS):
        return
    transaction.on_commit(lambda: _queue_mail(tasks.send_data_request_mail, subscriber.pk, purpose))


def erase(subscriber) -> None:
    """Delete the subscriber and their consent records; deliveries stay as anonymous counts."""
    with transaction.atomic():
        Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED
        )
        Delivery.objects.filter(subscriber=subscriber).update(last_error="", subscriber=None)
        subscriber.delete()


def purge_unconfirmed(now: datetime.datetime | None = None) -> int:
    """Delete subscriptions never confirmed within the confirmation period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=conf.confirm_days())
    _total, per_model = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, updated_at__lt=cutoff
    ).delete()
    return per_model.get("newsletter.Subscriber", 0)


def suppress(email: str, reason) -> None:
    """Never mail this address again (until its owner confirms a new subscription)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email.strip()).first()
        SuppressedAddress.objects.get_or_create(
            email_hash=email_hash(email), defaults={"reason": reason, "subscriber": subscriber}
        )
        if subscriber and subscriber.status != Subscriber.Status.SUPPRESSED:
            subscriber.status = Subscriber.Status.SUPPRESSED
            subscriber.save()
            _record(subscriber, ConsentRecord.Action.WITHDRAWN, Source.BOUNCE, privacy_version="")


def is_suppressed(email: str) -> bool:
    return SuppressedAddress.objects.filter(email_hash=email_hash(email)).exists()


def record_bounce(email: str, kind: str, detail: str = "", edition=None) -> BounceRecord:
    """A bounce or complaint: hard bounces and complaints suppress the address, soft ones past the threshold."""
    kind = BounceRecord.Kind(kind)
    record = BounceRecord.objects.create(
        email_hash=email_hash(email), kind=kind, detail=(detail or "")[:300], edition=edition,
        subscriber=find_by_email(email),
    )
    if kind == BounceRecord.Kind.HARD:
        suppress(email, SuppressedAddress.Reason.HARD_BOUNCE)
    elif kind == BounceRecord.Kind.COMPLAINT:
        suppress(email, SuppressedAddress.Reason.COMPLAINT)
    elif soft_bounces(email) >= conf.soft_bounce_threshold():
        suppress(email, SuppressedAddress.Reason.SOFT_BOUNCES)
    return record


def soft_bounces(email: str) -> int:
    """Soft bounces of the address since its owner last confirmed it (a new confirmation starts over)."""
    records = BounceRecord.objects.filter(email_hash=email_hash(email), kind=BounceRecord.Kind.SOFT)
    subscriber = find_by_email(email)
    if subscriber is not None and subscriber.confirmed_at:
        records = records.filter(created_at__gte=subscriber.confirmed_at)
    return records.count()


def add_by_staff(email, name="", *, topics=None, zones=None, source=Source.ADMIN, detail="",
                 consent_at: datetime.datetime | None = None, ask_confirmation=True) -> Subscriber | None:
    """A subscriber entered by the editorial office (admin form or CSV import); None if the address exists.

    The consent is recorded with where it came from and when it was given. Asking for
    confirmation leaves the address pending and mails the confirmation link (double opt-in);
    otherwise the consent collected elsewhere counts as confirmed on its date.
    """
    from newsletter import notice_tasks as tasks

    email = (email or "").strip()
    with transaction.atomic():
        subscriber, created = _locked_subscriber_for(email)
        if not created:
            return None
        subscriber.name = (name or "").strip()
        if not ask_confirmation:
            subscriber.status = Subscriber.Status.ACTIVE
            subscriber.confirmed_at = consent_at or timezone.now()
        subscriber.save()
        _set_preferences(subscriber, topics, zones)
        record = _record(subscriber, ConsentRecord.Action.GIVEN, source, privacy_version="")
        ConsentRecord.objects.filter(pk=record.pk).update(detail=(detail or "")[:200],
                                                          **({"created_at": consent_at} if consent_at else {}))
        if ask_confirmation:
            transaction.on_commit(lambda: _queue_mail(tasks.send_confirmation_mail, subscriber.pk))
    return subscriber
