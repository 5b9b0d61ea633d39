"""The edition in the Wagtail admin: arrange, approve (moderators only), preview, test send, send, control."""
from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from tests.newsletter import factories
from tests.newsletter.factories import aware

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

IN_WINDOW = aware(datetime.date(2027, 2, 2))


def _staff(username, *codenames):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username, f"{username}@example.it", "x-Password-123")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="newsletter", codename=codename))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(_staff("redattore", "view_edition", "add_edition", "change_edition"))
    return client


@pytest.fixture
def moderator_client(client):
    client.force_login(_staff("moderatrice", "view_edition", "change_edition", "approve_edition"))
    return client


@pytest.fixture
def edition():
    zona = factories.zona("Zona Amiata Test")
    pages = [
        factories.norm("DGR sulle équipe", IN_WINDOW),
        factories.practice("Pratica amiatina", IN_WINDOW, zona),
        factories.news("Notizia generale", IN_WINDOW),
    ]
    edition = factories.sendable_edition(pages)
    edition.status = "draft"
    edition.save()
    return edition


def _action(client, edition, name, **data):
    return client.post(f"/admin/newsletter/edition/action/{edition.pk}/{name}/", data)


def test_editor_arranges_previews_and_test_sends_but_cannot_approve(editor_client, edition, smtp):
    from newsletter.models import Delivery

    manage = editor_client.get(f"/admin/newsletter/edition/manage/{edition.pk}/")
    body = manage.content.decode()
    assert manage.status_code == 200
    assert "newsletter-preview-desktop" in body and "newsletter-preview-mobile" in body
    assert "Approva" not in body

    html = editor_client.get(f"/admin/newsletter/edition/preview/{edition.pk}/")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "script-src" not in html["Content-Security-Policy"] and "default-src 'none'" in html["Content-Security-Policy"]
    assert "Pratica amiatina" in html.content.decode()
    text = editor_client.get(f"/admin/newsletter/edition/preview/{edition.pk}/text/")
    assert text["Content-Type"].startswith("text/plain") and "== BUONE PRATICHE DALLE ZONE ==" in text.content.decode()
    zona_id = edition.items.get(section="pratiche").page.specific.zona_id
    other_zone = factories.zona("Zona Altrove Test")
    only_other = editor_client.get(f"/admin/newsletter/edition/preview/{edition.pk}/?zona={other_zone.pk}")
    assert "Pratica amiatina" not in only_other.content.decode()
    assert "Pratica amiatina" in editor_client.get(f"/admin/newsletter/edition/preview/{edition.pk}/?zona={zona_id}").content.decode()

    sent = editor_client.post(f"/admin/newsletter/edition/test-send/{edition.pk}/",
                              {"addresses": "prova1@example.it, prova2@example.it"})
    assert sent.status_code == 302
    received = smtp.wait_for(2)
    assert sorted(r for r, _m in received) == ["prova1@example.it", "prova2@example.it"]
    assert all(str(m["Subject"]).strip().startswith("[PROVA] Newsletter") for _r, m in received)
    assert not Delivery.objects.exists(), "test sends are not deliveries"
    invalid = editor_client.post(f"/admin/newsletter/edition/test-send/{edition.pk}/", {"addresses": "non valido"}, follow=True)
    assert "Indirizzo non valido" in invalid.content.decode()

    denied = _action(editor_client, edition, "approve")  # Wagtail answers a PermissionDenied with its redirect
    assert (denied.status_code, denied["Location"]) == (302, "/admin/")
    edition.refresh_from_db()
    assert edition.status == "draft"


def test_editor_reorders_removes_and_adds_items_with_the_inline_panel(editor_client, edition):
    items = list(edition.items.order_by("sort_order"))
    extra = factories.data("Dato aggiunto a mano", IN_WINDOW)
    data = {
        "number": edition.number, "title": edition.title, "window_start": "2027-01-01", "window_end": "2027-02-28",
        "editorial": json.dumps({"blocks": [{"key": "a1b2c", "type": "unstyled", "depth": 0, "text": "Editoriale di prova",
                                             "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}),
        "items-TOTAL_FORMS": "4", "items-INITIAL_FORMS": "3", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
    }
    # new order: news first, norm removed, practice kept, a data page added at the end
    order = {items[2].pk: 0, items[1].pk: 1}
    for n, item in enumerate(items):
        data.update({
            f"items-{n}-id": item.pk, f"items-{n}-section": item.section, f"items-{n}-page": item.page_id,
            f"items-{n}-title_override": "", f"items-{n}-summary_override": "",
            f"items-{n}-ORDER": order.get(item.pk, 9), f"items-{n}-DELETE": "on" if item.pk == items[0].pk else "",
        })
    data.update({"items-3-id": "", "items-3-section": "dati", "items-3-page": extra.pk, "items-3-ORDER": 2,
                 "items-3-title_override": "Un dato da ricordare", "items-3-summary_override": "", "items-3-DELETE": ""})
    response = editor_client.post(f"/admin/newsletter/edition/edit/{edition.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    layout = [(i.page_id, i.title_override) for i in edition.items.order_by("sort_order")]
    assert layout == [(items[2].page_id, ""), (items[1].page_id, ""), (extra.pk, "Un dato da ricordare")]
    edition.refresh_from_db()
    assert "Editoriale di prova" in edition.editorial

    # a private page cannot be added
    from wagtail.models import PageViewRestriction

    private = factories.news("Riservata agli operatori", IN_WINDOW)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    data.update({"items-3-page": private.pk})
    refused = editor_client.post(f"/admin/newsletter/edition/edit/{edition.pk}/", data)
    assert refused.status_code == 200 and "Solo pagine pubblicate e pubbliche" in refused.content.decode()


def test_moderator_approves_schedules_and_sends_with_live_progress(moderator_client, edition, smtp):
    for n in range(3):
        factories.subscriber(f"iscritto{n}@example.it")
    manage_url = f"/admin/newsletter/edition/manage/{edition.pk}/"
    assert "Approva" in moderator_client.get(manage_url).content.decode()
    assert _action(moderator_client, edition, "approve").status_code == 302
    edition.refresh_from_db()
    assert edition.status == "approved" and edition.approved_by.username == "moderatrice"

    past = _action(moderator_client, edition, "schedule", scheduled_at="2020-01-01T10:00")
    assert past.status_code == 302
    edition.refresh_from_db()
    assert edition.status == "approved"
    when = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    _action(moderator_client, edition, "schedule", scheduled_at=when)
    edition.refresh_from_db()
    assert edition.status == "scheduled" and edition.scheduled_at > timezone.now()

    progress = moderator_client.get(f"/admin/newsletter/edition/progress/{edition.pk}/").json()
    assert progress["total"] == 0 and progress["status"] == "scheduled"
    _action(moderator_client, edition, "send", confirm="1")  # send now (confirmed) instead of waiting
    smtp.wait_for(3)
    progress = moderator_client.get(f"/admin/newsletter/edition/progress/{edition.pk}/").json()
    assert {k: progress[k] for k in ("status", "total", "sent", "failed", "pending")} == {
        "status": "sent", "total": 3, "sent": 3, "failed": 0, "pending": 0}
    edit = moderator_client.get(f"/admin/newsletter/edition/edit/{edition.pk}/")
    assert edit.status_code == 302 and edit["Location"] == manage_url, "a sent edition is not edited"
    assert moderator_client.get(f"/newsletter/archivio/{edition.number}/").status_code == 200


def test_pause_resume_cancel_from_the_admin(moderator_client, edition, smtp):
    from newsletter import batches, delivery_rows
    from newsletter.models import Edition

    factories.subscriber("uno@example.it")
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    delivery_rows.fan_out(edition)
    _action(moderator_client, edition, "pause")
    edition.refresh_from_db()
    assert edition.status == "paused"
    assert batches.run_batch(edition.pk).sent == 0
    _action(moderator_client, edition, "resume")  # eager in tests: resumes and finishes
    edition.refresh_from_db()
    assert edition.status == "sent" and len(smtp.wait_for(1)) == 1
    cancel = _action(moderator_client, edition, "cancel", )
    assert cancel.status_code == 302
    edition.refresh_from_db()
    assert edition.status == "sent", "a sent edition cannot be cancelled"


def test_admin_pages_need_the_permissions(client, edition):
    client.force_login(_staff("curioso"))
    for url in (f"/admin/newsletter/edition/manage/{edition.pk}/", f"/admin/newsletter/edition/preview/{edition.pk}/",
                f"/admin/newsletter/edition/progress/{edition.pk}/"):
        denied = client.get(url)
        assert (denied.status_code, denied["Location"]) == (302, "/admin/"), url
    anonymous = client.__class__()
    assert anonymous.get(f"/admin/newsletter/edition/manage/{edition.pk}/").status_code == 302


def test_listings_and_subscriber_inspection_render(admin_client, edition):
    subscriber = factories.subscriber("ispezione@example.it", name="Ida")
    listing = admin_client.get("/admin/newsletter/edition/")
    assert listing.status_code == 200 and "Gestisci e invia" in listing.content.decode()
    assert admin_client.get("/admin/newsletter/edition/new/").status_code == 200
    edit = admin_client.get(f"/admin/newsletter/edition/edit/{edition.pk}/")
    assert edit.status_code == 200 and "Contenuti" in edit.content.decode()
    people = admin_client.get("/admin/newsletter/subscriber/?q=ispezione")
    assert people.status_code == 200 and "ispezione@example.it" in people.content.decode()
    assert admin_client.get(f"/admin/newsletter/subscriber/inspect/{subscriber.pk}/").status_code == 200
