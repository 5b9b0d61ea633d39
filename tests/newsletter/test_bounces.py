"""Bounces after the SMTP session (issue 16, item 7), against Debian's Dovecot on loopback.

The defects: only SMTP-time rejections were handled. A relay that accepted a message and failed
later mailed its report to the From address, where nobody read it; the ``mailto:`` form of
List-Unsubscribe went to the editors' mailbox and unsubscribed nobody; the newsletter role saw
no bounces, suppressed addresses or consent records. Here each message leaves with its own
signed VERP Return-Path, reports (RFC 3464) and unsubscribe mails are delivered to a real IMAP
server, and the beat task / command reads them.
"""
from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from tests.newsletter import factories
from tests.newsletter.factories import aware
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BOUNCE_DOMAIN = "cdp.example.it"


def dsn(return_path: str, recipient: str, status: str, action: str = "failed",
        diagnostic: str = "smtp; 550 5.1.1 <x>: Recipient address rejected: User unknown") -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464), delivered to ``return_path``."""
    return (
        f"Return-Path: <>\r\n"
        f"Delivered-To: {return_path}\r\n"
        f"From: MAILER-DAEMON@mx.remoto.example (Mail Delivery System)\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"To: {return_path}\r\n"
        f"Auto-Submitted: auto-replied\r\n"
        f"Message-ID: <dsn-{return_path.partition('@')[0]}-{status}-{action}@mx.remoto.example>\r\n"
        f"MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        f"\r\n"
        f"--B\r\n"
        f"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"This is the mail system at host mx.remoto.example.\r\n\r\n"
        f"I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
        f"--B\r\n"
        f"Content-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.remoto.example\r\n"
        f"Arrival-Date: Sun, 6 Dec 2026 04:00:00 +0100 (CET)\r\n"
        f"\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Original-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        f"Remote-MTA: dns; mx.remoto.example\r\n"
        f"Diagnostic-Code: {diagnostic}\r\n"
        f"\r\n"
        f"--B\r\n"
        f"Content-Type: text/rfc822-headers\r\n\r\n"
        f"Subject: Newsletter\r\n"
        f"To: {recipient}\r\n"
        f"\r\n"
        f"--B--\r\n"
    ).encode()


def _sent(edition, subscriber):
    from newsletter.models import Delivery

    return Delivery.objects.create(edition=edition, subscriber=subscriber, segment_key="all", status="sent")


def _return_path(delivery) -> str:
    from newsletter.verp import return_path

    return return_path(delivery.pk, "noreply@cdp.example.it")


def test_reports_mailed_after_the_smtp_session_are_read_from_imap_and_suppress_hard_bounces(
    postgres_required, celery_worker, smtp, bounce_mailbox
):
    """End to end: the worker sends over SMTP with a VERP Return-Path per message; the remote
    reports land in Dovecot; the command reads them once."""
    from newsletter import bounces, dispatch
    from newsletter.models import BounceRecord, Delivery, Edition, Subscriber, SuppressedAddress

    unknown = factories.subscriber("non.esiste@remoto.example")
    full = factories.subscriber("casella.piena@remoto.example")
    fine = factories.subscriber("arriva@remoto.example")
    edition = factories.sendable_edition([factories.norm("DGR 544/2023", aware(datetime.date(2027, 1, 9)))])

    dispatch.start_sending(edition)  # fan-out and the batch run in the worker process
    smtp.wait_for(3, timeout=120)
    wait_for(lambda: Edition.objects.get(pk=edition.pk).status == "sent", 60, "the edition to be sent")

    return_paths = {}
    for subscriber in (unknown, full, fine):
        [message] = smtp.messages_to(subscriber.email)
        address = message["Return-Path"].strip("<>")
        delivery = Delivery.objects.get(edition=edition, subscriber=subscriber)
        local, _, domain = address.partition("@")
        assert domain == BOUNCE_DOMAIN and local.startswith("bounces+"), address
        assert bounces.delivery_id_from(address) == delivery.pk, "the Return-Path names its delivery"
        return_paths[subscriber.email] = address
    assert len(set(return_paths.values())) == 3, "one envelope sender per message"

    bounce_mailbox.deliver("bounces", dsn(return_paths[unknown.email], unknown.email, "5.1.1"))
    bounce_mailbox.deliver("bounces", dsn(
        return_paths[full.email], full.email, "4.2.2", diagnostic="smtp; 452 4.2.2 Mailbox full"))
    bounce_mailbox.deliver("bounces", dsn(return_paths[fine.email], fine.email, "2.0.0", action="delivered",
                                          diagnostic="smtp; 250 2.0.0 Ok"))

    call_command("newsletter_read_bounces")

    unknown.refresh_from_db(), full.refresh_from_db(), fine.refresh_from_db()
    assert unknown.status == Subscriber.Status.SUPPRESSED
    assert SuppressedAddress.objects.get(subscriber=unknown).reason == "hard_bounce"
    hard = BounceRecord.objects.get(subscriber=unknown)
    assert (hard.kind, hard.edition_id) == ("hard", edition.pk) and "5.1.1" in hard.detail
    assert Delivery.objects.get(edition=edition, subscriber=unknown).status == "bounced"
    edition.refresh_from_db()
    assert (edition.sent_count, edition.failed_count) == (2, 1)

    assert full.status == "active", "one soft bounce does not suppress"
    assert BounceRecord.objects.get(subscriber=full).kind == "soft"
    assert fine.status == "active" and not BounceRecord.objects.filter(subscriber=fine).exists()
    assert all("\\Seen" in flags for flags in bounce_mailbox.flags("bounces")), "processed reports are marked read"

    call_command("newsletter_read_bounces")  # nothing new: nothing counted twice
    assert BounceRecord.objects.count() == 2


def test_soft_bounces_suppress_the_address_at_the_threshold_through_the_beat_task(bounce_mailbox, settings):
    from newsletter import tasks
    from newsletter.models import BounceRecord, SuppressedAddress

    settings.NEWSLETTER_SOFT_BOUNCE_THRESHOLD = 3
    subscriber = factories.subscriber("spesso.piena@remoto.example")
    editions = [
        factories.sendable_edition(window=(datetime.date(2027, m, 1), datetime.date(2027, m + 1, 28)))
        for m in (1, 3, 5)
    ]
    for number, edition in enumerate(editions, start=1):
        delivery = _sent(edition, subscriber)
        bounce_mailbox.deliver("bounces", dsn(_return_path(delivery), subscriber.email, "4.2.2",
                                              diagnostic="smtp; 452 4.2.2 Mailbox full"))
        outcome = tasks.read_bounce_mailbox.delay().get()
        assert outcome == {"soft": 1}
        subscriber.refresh_from_db()
        expected = "suppressed" if number == 3 else "active"
        assert subscriber.status == expected, f"after {number} soft bounces"
    assert BounceRecord.objects.filter(subscriber=subscriber, kind="soft").count() == 3
    assert SuppressedAddress.objects.get(subscriber=subscriber).reason == "soft_bounces"


def test_a_report_without_our_verp_signature_suppresses_nobody(bounce_mailbox):
    from newsletter.verp import verp_token
    from newsletter.models import BounceRecord

    victim = factories.subscriber("vittima@example.it")
    delivery = _sent(factories.sendable_edition(), victim)
    forged = f"bounces+{verp_token(delivery.pk).split('-')[0]}-000000000000@{BOUNCE_DOMAIN}"
    bounce_mailbox.deliver("bounces", dsn(forged, victim.email, "5.1.1"))
    bounce_mailbox.deliver("bounces", dsn(f"bounces@{BOUNCE_DOMAIN}", victim.email, "5.1.1"))

    call_command("newsletter_read_bounces")

    victim.refresh_from_db()
    assert victim.status == "active"
    assert not BounceRecord.objects.exists()


def test_a_spam_complaint_report_suppresses_the_address(bounce_mailbox):
    from newsletter.models import BounceRecord, SuppressedAddress

    subscriber = factories.subscriber("lamentela@example.it")
    delivery = _sent(factories.sendable_edition(), subscriber)
    report = (
        f"Delivered-To: {_return_path(delivery)}\r\nFrom: abuse@isp.example\r\nSubject: complaint\r\n"
        f"Message-ID: <arf-1@isp.example>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\r\n\r\n'
        f"--F\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n"
        f"--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\r\n"
        f"--F--\r\n"
    ).encode()
    bounce_mailbox.deliver("bounces", report)

    call_command("newsletter_read_bounces")

    subscriber.refresh_from_db()
    assert subscriber.status == "suppressed"
    assert BounceRecord.objects.get().kind == "complaint"
    assert SuppressedAddress.objects.get().reason == "complaint"


def _mailto_unsubscribe(smtp_message) -> tuple[str, str]:
    """(address, subject) of the mailto: in a newsletter's List-Unsubscribe header."""
    from urllib.parse import parse_qs, unquote, urlsplit

    header = " ".join(str(smtp_message["List-Unsubscribe"]).split())
    mailto = next(part.strip(" <>") for part in header.split(",") if "mailto:" in part)
    parts = urlsplit(mailto)
    return unquote(parts.path), parse_qs(parts.query)["subject"][0]


def _unsubscribe_mail(to: str, subject: str, sender: str) -> bytes:
    return (f"From: {sender}\r\nTo: {to}\r\nDelivered-To: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <unsub-{sender}>\r\n\r\n\r\n").encode()


def test_the_mailto_unsubscribe_of_a_sent_newsletter_unsubscribes_from_the_bounce_mailbox(
    bounce_mailbox, smtp, settings
):
    """The mail a client sends for the mailto: List-Unsubscribe, when that address is the bounce mailbox."""
    from newsletter import dispatch
    from newsletter.models import ConsentRecord

    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = f"bounces+disiscrizione@{BOUNCE_DOMAIN}"
    leaving = factories.subscriber("se.ne.va@example.it")
    staying = factories.subscriber("resta@example.it")
    edition = factories.sendable_edition([factories.norm("DGR 1/2027", aware(datetime.date(2027, 1, 9)))])
    dispatch.start_sending(edition)  # eager: in-process, over the SMTP sink
    [message] = smtp.messages_to(leaving.email)
    to, subject = _mailto_unsubscribe(message)
    assert to == f"bounces+disiscrizione@{BOUNCE_DOMAIN}" and subject.startswith("disiscrizione ")
    bounce_mailbox.deliver("bounces", _unsubscribe_mail(to, subject, leaving.email))
    bounce_mailbox.deliver("bounces", _unsubscribe_mail(to, "disiscrizione token-inventato", staying.email))

    call_command("newsletter_read_bounces")

    leaving.refresh_from_db(), staying.refresh_from_db()
    assert leaving.status == "unsubscribed"
    assert leaving.consents.filter(action="withdrawn", source=ConsentRecord.Source.MAILTO).exists()
    assert staying.status == "active", "a made-up token unsubscribes nobody"


def test_mailto_unsubscribes_in_a_second_mailbox_leave_its_other_mail_unread(bounce_mailbox, settings):
    """The mailto address is the editors' mailbox: only the unsubscribe mails are read and marked."""
    from newsletter import tokens

    account = bounce_mailbox.account("redazione")
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_HOST = account["host"]
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_PORT = account["port"]
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_SSL = False
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_USER = account["user"]
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_PASSWORD = account["password"]
    subscriber = factories.subscriber("via.email@example.it")
    bounce_mailbox.deliver("redazione", (
        "From: lettore@example.it\r\nTo: redazione@cdp.example.it\r\nSubject: Una domanda sulla newsletter\r\n"
        "Message-ID: <domanda@example.it>\r\n\r\nBuongiorno, quando esce il prossimo numero?\r\n").encode())
    bounce_mailbox.deliver("redazione", _unsubscribe_mail(
        "redazione@cdp.example.it", f"disiscrizione {tokens.personal_token(subscriber)}", subscriber.email))

    call_command("newsletter_read_bounces")

    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    question, unsubscribe = bounce_mailbox.flags("redazione")
    assert "\\Seen" not in question, "the editors' own mail stays unread"
    assert "\\Seen" in unsubscribe


def test_newsletter_role_sees_bounces_suppressed_addresses_and_consents_read_only(client, bounce_mailbox):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from newsletter import subscriptions
    from newsletter.models import ConsentRecord
    from portal.roles import GESTIONE_NEWSLETTER

    subscriber = factories.subscriber("rimbalza@example.it")
    ConsentRecord.objects.create(subscriber=subscriber, action="given", source="csv_import", detail="evento 2026")
    subscriptions.record_bounce(subscriber.email, "hard", "550 5.1.1 User unknown")
    manager = get_user_model().objects.create_user("gestore", "gestore@example.it", "x-Password-123")
    manager.groups.add(Group.objects.get(name=GESTIONE_NEWSLETTER))
    client.force_login(manager)

    pages = {
        "/admin/newsletter/bounce/": ["rimbalza@example.it", "550 5.1.1 User unknown", "permanente"],
        "/admin/newsletter/suppressed/": ["rimbalza@example.it", "rimbalzo permanente"],
        "/admin/newsletter/consent/": ["rimbalza@example.it", "importazione CSV", "evento 2026"],
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in expected:
            assert text in body, (url, text)
        assert client.get(url + "new/").status_code in (302, 403), f"{url}: records are not added by hand"
    menu = client.get("/admin/").content.decode()
    assert "/admin/newsletter/bounce/" in menu and "/admin/newsletter/consent/" in menu

    get_user_model().objects.create_user("redattore", "redattore@example.it", "x-Password-123")
    client.force_login(get_user_model().objects.get(username="redattore"))
    assert client.get("/admin/newsletter/bounce/").status_code in (302, 403)
