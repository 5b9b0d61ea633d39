"""Subscriber management in the Wagtail admin (issue 16, item 3).

The defects: the add form had no email field (the first save stored a subscriber without an
address, the second answered 500), only superusers could see subscribers, and there was no CSV
import (with the consent's source and date, and whether to ask for confirmation) or export.
"""
from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.newsletter import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADD_URL = "/admin/newsletter/subscriber/new/"


@pytest.fixture
def manager_client(client):
    """A user whose only role is "Gestione newsletter" (the group made by sync_roles)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from portal.roles import GESTIONE_NEWSLETTER

    user = get_user_model().objects.create_user("gestrice", "gestrice@example.it", "x-Password-123")
    user.groups.add(Group.objects.get(name=GESTIONE_NEWSLETTER))
    client.force_login(user)
    return client


def test_add_form_without_email_stores_nothing_and_twice_answers_no_500(manager_client):
    from newsletter.models import Subscriber

    for _attempt in range(2):
        response = manager_client.post(ADD_URL, {"email": "", "name": "Senza indirizzo"})
        assert response.status_code == 200
        assert "Questo campo è obbligatorio." in response.content.decode()
    assert not Subscriber.objects.filter(email="").exists()


def test_add_form_requires_a_valid_unique_email_and_asks_for_confirmation(manager_client, smtp):
    from newsletter.models import ConsentRecord, Subscriber

    invalid = manager_client.post(ADD_URL, {"email": "non-un-indirizzo", "name": "X"})
    assert invalid.status_code == 200 and "Inserisci un indirizzo email valido." in invalid.content.decode()

    created = manager_client.post(ADD_URL, {"email": "Nuova@Example.it", "name": "Nuova"})
    assert created.status_code == 302
    subscriber = Subscriber.objects.get(email__iexact="nuova@example.it")
    assert subscriber.status == "pending"
    consent = subscriber.consents.get()
    assert (consent.action, consent.source) == (ConsentRecord.Action.GIVEN, ConsentRecord.Source.ADMIN)
    assert smtp.wait_for(1)[0][0].lower() == "nuova@example.it"

    duplicate = manager_client.post(ADD_URL, {"email": "NUOVA@example.it", "name": "Doppia"})
    assert duplicate.status_code == 200
    assert "Questo indirizzo è già iscritto." in duplicate.content.decode()
    assert Subscriber.objects.filter(email__iexact="nuova@example.it").count() == 1


def test_newsletter_role_sees_and_manages_subscribers_without_being_superuser(manager_client):
    factories.subscriber("visibile@example.it")
    listing = manager_client.get("/admin/newsletter/subscriber/")
    assert listing.status_code == 200 and "visibile@example.it" in listing.content.decode()
    assert manager_client.get("/admin/newsletter/edition/").status_code == 200


def test_csv_import_records_consent_source_and_date_and_asks_confirmation_when_told(manager_client, smtp):
    from newsletter.models import ConsentRecord, Subscriber

    factories.subscriber("gia@example.it")
    rows = (
        "email,nome,origine_consenso,data_consenso,chiedi_conferma\n"
        "anna@example.it,Anna,Modulo cartaceo seminario Empoli,2026-03-12,no\n"
        "bruno@example.it,Bruno,Elenco partecipanti laboratorio,12/04/2026,sì\n"
        "gia@example.it,Già,Modulo,2026-03-12,no\n"
    )
    response = manager_client.post("/admin/newsletter/subscriber/import/", {
        "file": SimpleUploadedFile("iscritti.csv", rows.encode(), content_type="text/csv")})
    assert response.status_code == 302
    anna = Subscriber.objects.get(email="anna@example.it")
    assert anna.status == "active" and anna.confirmed_at.date().isoformat() == "2026-03-12"
    given = anna.consents.get(action=ConsentRecord.Action.GIVEN)
    assert given.source == ConsentRecord.Source.IMPORT and given.detail == "Modulo cartaceo seminario Empoli"
    assert given.created_at.date().isoformat() == "2026-03-12"
    bruno = Subscriber.objects.get(email="bruno@example.it")
    assert bruno.status == "pending" and bruno.consents.get().created_at.date().isoformat() == "2026-04-12"
    received = smtp.wait_for(1)
    assert [rcpt for rcpt, _m in received] == ["bruno@example.it"]
    assert Subscriber.objects.filter(email__iexact="gia@example.it").count() == 1


def test_csv_import_with_bad_rows_imports_nothing_and_says_which_rows(manager_client):
    from newsletter.models import Subscriber

    before = Subscriber.objects.count()
    rows = "email,nome,origine_consenso,data_consenso,chiedi_conferma\nok@example.it,Ok,Modulo,2026-01-01,no\n" \
           "sbagliato,No,Modulo,2026-01-01,no\nsenza-data@example.it,No,Modulo,,no\n"
    response = manager_client.post("/admin/newsletter/subscriber/import/", {
        "file": SimpleUploadedFile("iscritti.csv", rows.encode(), content_type="text/csv")})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Riga 3" in body and "Riga 4" in body
    assert Subscriber.objects.count() == before


def test_csv_export_lists_subscribers_with_consent_source_and_date(manager_client):
    from newsletter import subscriptions

    subscriptions.request_subscription("esporta@example.it", "Elsa")
    response = manager_client.get("/admin/newsletter/subscriber/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["email"] == "esporta@example.it")
    assert row["nome"] == "Elsa" and row["stato"] == "pending"
    assert row["origine_consenso"] == "subscription_form" and row["data_consenso"]
