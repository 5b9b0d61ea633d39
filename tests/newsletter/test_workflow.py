"""Issue 16, item 6: the editorial workflow of an edition in the Wagtail admin.

Submitting for moderation tells the moderators (by mail, through the real worker and the SMTP
sink); every change is a Wagtail revision and every action an entry of Wagtail's audit log;
"Invia ora" first shows how many subscribers each segment has and needs confirming.
"""
from __future__ import annotations

import datetime

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

IN_WINDOW = aware(datetime.date(2027, 1, 12))


def _staff(username, *codenames, email=None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username, email or f"{username}@example.it", "x-Password-123")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="newsletter", codename=codename))
    return user


def _editor():
    return _staff("redattrice", "view_edition", "add_edition", "change_edition")


def _moderator(username="moderatore"):
    return _staff(username, "view_edition", "change_edition", "approve_edition")


def _draft():
    zona = factories.zona("Zona Valdarno Test")
    edition = factories.sendable_edition([
        factories.norm("DGR 200/2027 sui servizi", IN_WINDOW),
        factories.practice("Pratica del Valdarno", IN_WINDOW, zona),
    ])
    edition.status = "draft"
    edition.save()
    return edition


def _action(client, edition, name, **data):
    return client.post(f"/admin/newsletter/edition/action/{edition.pk}/{name}/", data)


@pytest.mark.services
def test_submitting_for_moderation_notifies_the_moderators(celery_worker, smtp, client, postgres_required):
    from wagtail.users.models import UserProfile

    from newsletter.models import Edition

    edition = _draft()
    editor = _editor()
    moderator = _moderator("moderatrice.attiva")
    quiet = _moderator("moderatore.silenzioso")
    profile = UserProfile.get_for_user(quiet)
    profile.submitted_notifications = False  # Wagtail's own "notify me of submissions" switch
    profile.save()
    client.force_login(editor)

    manage = client.get(f"/admin/newsletter/edition/manage/{edition.pk}/").content.decode()
    assert "Invia in moderazione" in manage
    assert _action(client, edition, "submit").status_code == 302

    edition.refresh_from_db()
    assert edition.status == Edition.Status.SUBMITTED and edition.submitted_by == editor
    wait_for(lambda: any(r == moderator.email for r, _m in smtp.received), 60, "the moderators' notification")
    rcpt, message = next((r, m) for r, m in smtp.received if r == moderator.email)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert edition.title in str(message["Subject"]) or edition.title in body
    assert f"/admin/newsletter/edition/manage/{edition.pk}/" in body
    assert "redattrice" in body, "who submitted it"
    recipients = {r for r, _m in smtp.received}
    assert editor.email not in recipients and quiet.email not in recipients


def test_edits_are_revisions_and_actions_are_in_the_audit_log(client):
    import json

    from wagtail.models import ModelLogEntry, Revision

    edition = _draft()
    editor = _editor()
    client.force_login(editor)
    items = list(edition.items.order_by("sort_order"))
    data = {
        "title": edition.title,
        "editorial": json.dumps({"blocks": [{"key": "k1", "type": "unstyled", "depth": 0, "text": "Editoriale rivisto",
                                             "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}),
        "items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(items):
        data.update({f"items-{n}-id": item.pk, f"items-{n}-section": item.section, f"items-{n}-page": item.page_id,
                     f"items-{n}-title_override": "", f"items-{n}-summary_override": "", f"items-{n}-ORDER": n,
                     f"items-{n}-DELETE": ""})
    assert client.post(f"/admin/newsletter/edition/edit/{edition.pk}/", data).status_code == 302
    revisions = Revision.objects.for_instance(edition)
    assert revisions.count() == 1
    assert "Editoriale rivisto" in revisions.get().content["editorial"] and revisions.get().user == editor

    _action(client, edition, "submit")
    moderator = _moderator()
    client.force_login(moderator)
    _action(client, edition, "approve")
    edition.refresh_from_db()
    assert edition.status == "approved"

    entries = list(ModelLogEntry.objects.for_instance(edition).order_by("timestamp", "pk")
                   .values_list("action", "user_id"))
    assert entries == [("wagtail.edit", editor.pk), ("newsletter.submit", editor.pk),
                       ("newsletter.approve", moderator.pk)]
    history = client.get(f"/admin/newsletter/edition/history/{edition.pk}/")
    body = history.content.decode()
    assert history.status_code == 200
    assert "Inviata in moderazione" in body and "Approvata" in body


@pytest.mark.services
def test_send_now_shows_recipients_per_segment_and_needs_confirming(celery_worker, smtp, client, postgres_required):
    from newsletter.models import Edition

    edition = _draft()
    Edition.objects.filter(pk=edition.pk).update(status="approved")
    valdarno = factories.zona("Zona Valdarno Test")
    amiata = factories.zona("Zona Amiata Test")
    for n in range(3):
        factories.subscriber(f"tutto{n}@example.it")
    factories.subscriber("valdarno@example.it", zones=[valdarno])
    factories.subscriber("amiata1@example.it", zones=[amiata])
    factories.subscriber("amiata2@example.it", zones=[amiata])
    factories.subscriber("in.attesa@example.it", status="pending")
    client.force_login(_moderator())

    unconfirmed = _action(client, edition, "send")
    confirm_url = f"/admin/newsletter/edition/confirm-send/{edition.pk}/"
    assert (unconfirmed.status_code, unconfirmed["Location"]) == (302, confirm_url)
    edition.refresh_from_db()
    assert edition.status == "approved" and smtp.received == [], "nothing leaves without confirming"

    page = client.get(confirm_url)
    body = page.content.decode()
    assert page.status_code == 200
    rows = {tuple(cells) for cells in _table_rows(body)}
    assert ("Edizione generale (nessuna preferenza)", "3") in rows
    assert ("Zona Valdarno Test", "1") in rows and ("Zona Amiata Test", "2") in rows
    assert ("Totale", "6") in rows, rows
    assert 'name="confirm"' in body

    assert client.post(confirm_url, {"confirm": "1"}).status_code == 302
    wait_for(lambda: Edition.objects.get(pk=edition.pk).status == "sent", 60, "the edition to be sent")
    assert len(smtp.received) == 6


def _table_rows(html: str) -> list[list[str]]:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")] for row in tree.xpath("//table//tr")]
