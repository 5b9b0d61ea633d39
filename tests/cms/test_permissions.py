"""Roles: a Referente di Zona edits only the practices of their zona; moderation of practices."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import PracticePage
from cms.permissions import ensure_page_permissions
from cms.zona_limit import can_manage_practice_of, is_zona_restricted, user_zona
from cms.workflows import PRACTICE_WORKFLOW_NAME
from tests import builders

pytestmark = pytest.mark.django_db


def make_user(username, group=None, zona=None, **extra):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org",
                                                password="Pw-di-prova-123", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if zona is not None:
        from portal.accounts.models import Profile

        profile = Profile.for_user(user)
        profile.zona = zona
        profile.save()
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def roles(site_tree):
    ensure_page_permissions()
    return site_tree


@pytest.fixture
def people(roles):
    return {
        "nievole": make_user("ref_nievole", "Referente di Zona", builders.zona("val-di-nievole")),
        "mugello": make_user("ref_mugello", "Referente di Zona", builders.zona("mugello")),
        "nozona": make_user("ref_senza_zona", "Referente di Zona"),
        "redattore": make_user("redattore", "Redattore"),
        "moderatore": make_user("moderatore", "Moderatore"),
        "operatore": make_user("operatore", "Operatore", builders.zona("mugello")),
    }


def test_user_zona_reads_the_profile(people):
    from django.contrib.auth.models import AnonymousUser

    assert user_zona(people["nievole"]).slug == "val-di-nievole"
    assert user_zona(people["nozona"]) is None
    assert user_zona(AnonymousUser()) is None
    assert user_zona(None) is None
    assert is_zona_restricted(people["nievole"]) and not is_zona_restricted(people["redattore"])
    assert not is_zona_restricted(people["operatore"])


def test_zona_editor_can_edit_only_own_zona(people, roles):
    parent = roles["buone-pratiche"]
    own = builders.practice(parent=parent, zona_obj=builders.zona("val-di-nievole"))
    other = builders.practice(parent=parent, zona_obj=builders.zona("mugello"))
    editor = people["nievole"]
    assert own.permissions_for_user(editor).can_edit()
    assert not other.permissions_for_user(editor).can_edit()
    assert not other.permissions_for_user(editor).can_delete()
    assert not own.permissions_for_user(editor).can_publish()  # publishing goes through moderation
    assert can_manage_practice_of(editor, own.zona_id) and not can_manage_practice_of(editor, other.zona_id)
    assert not own.permissions_for_user(people["nozona"]).can_edit()
    assert other.permissions_for_user(people["redattore"]).can_edit()
    assert other.permissions_for_user(people["redattore"]).can_publish()
    assert not own.permissions_for_user(people["operatore"]).can_edit()


def test_admin_edit_view_refuses_other_zona(client, people, roles):
    parent = roles["buone-pratiche"]
    own = builders.practice(parent=parent, zona_obj=builders.zona("val-di-nievole"))
    other = builders.practice(parent=parent, zona_obj=builders.zona("mugello"))
    client.force_login(people["nievole"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    response = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("wagtailadmin_pages:edit", args=[other.pk]) not in response["Location"]
    client.force_login(people["redattore"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[other.pk])).status_code == 200


def _practice_post(zona, title, action=None):
    data = {
        "title": title, "slug": slugify(title), "zona": zona.pk, "owner_body": "Società della Salute", "summary": "Sintesi della pratica.",
        "partners": "", "target_groups": "", "objectives": rich_text(""), "activities": rich_text(""),
        "core_team": "", "extended_team": "", "tools": rich_text(""), "data_protection": rich_text(""),
        "funding_note": "", "period_start": "2024-01-10", "period_end": "", "results": rich_text(""),
        "evaluation_level": "emergente", "lessons_learned": rich_text(""), "attachments": streamfield([]),
        "contacts": inline_formset([]), "tags": "", "comments": inline_formset([]),
        "seo_title": "", "search_description": "", "go_live_at": "", "expire_at": "",
    }
    if action:
        data[action] = "1"
    return nested_form_data(data)


def test_admin_create_form_offers_only_own_zona(client, people, roles):
    parent = roles["buone-pratiche"]
    client.force_login(people["nievole"])
    url = reverse("wagtailadmin_pages:add", args=["cms", "practicepage", parent.pk])
    response = client.get(url)
    assert response.status_code == 200
    zona_field = response.context["form"].fields["zona"]
    assert [z.slug for z in zona_field.queryset] == ["val-di-nievole"]

    refused = client.post(url, _practice_post(builders.zona("mugello"), "Pratica di un'altra zona"))
    assert refused.status_code == 200  # the form again, with the error
    assert "zona" in refused.context["form"].errors
    assert not PracticePage.objects.filter(title="Pratica di un'altra zona").exists()

    accepted = client.post(url, _practice_post(builders.zona("val-di-nievole"), "Pratica della mia zona"))
    assert accepted.status_code == 302, accepted.context["form"].errors if accepted.context else ""
    page = PracticePage.objects.get(title="Pratica della mia zona")
    assert page.zona.slug == "val-di-nievole" and not page.live


def test_moderation_submit_approve_publish(client, people, roles):
    parent = roles["buone-pratiche"]
    editor, moderator = people["nievole"], people["moderatore"]
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["cms", "practicepage", parent.pk])
    response = client.post(url, _practice_post(builders.zona("val-di-nievole"), "Pratica da revisionare", "action-submit"))
    assert response.status_code == 302
    page = PracticePage.objects.get(title="Pratica da revisionare")
    assert not page.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == PRACTICE_WORKFLOW_NAME
    task_state = state.current_task_state
    assert [g.name for g in task_state.task.specific.groups.all()] == ["Moderatore"]

    # the zona editor cannot approve their own submission
    approve = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    client.post(approve, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    client.force_login(moderator)
    response = client.post(approve, {"comment": "Va bene."})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    state.refresh_from_db()
    assert page.live and state.status == WorkflowState.STATUS_APPROVED
    assert client.get(page.url).status_code == 200


def test_moderator_can_reject(client, people, roles):
    parent = roles["buone-pratiche"]
    client.force_login(people["nievole"])
    url = reverse("wagtailadmin_pages:add", args=["cms", "practicepage", parent.pk])
    client.post(url, _practice_post(builders.zona("val-di-nievole"), "Pratica da rivedere", "action-submit"))
    page = PracticePage.objects.get(title="Pratica da rivedere")
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    client.force_login(people["moderatore"])
    reject = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", state.current_task_state.pk])
    client.post(reject, {"comment": "Manca la descrizione dell'équipe."})
    state.refresh_from_db()
    page.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES and not page.live
