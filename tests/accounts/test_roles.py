"""Roles x protected views/actions: who is allowed and who is refused.

Each row of MATRIX is an action; each column a role (plus anonymous and an unverified
account). True means allowed, False refused. The roles come from the data migration.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.conftest import make_member

pytestmark = pytest.mark.django_db

COLUMNS = ("anonimo", "non_verificato", "Operatore", "Referente di Zona", "Redattore", "Moderatore", "Amministratore")

MATRIX = {
    # action                       anon   unver  oper   refer  redat  moder  ammin
    "profile":                     (False, True,  True,  True,  True,  True,  True),
    "admin_dashboard":             (False, False, False, True,  True,  True,  True),
    "admin_add_seminar":           (False, False, False, False, True,  False, True),
    "admin_edit_own_zona_practice": (False, False, False, True,  True,  True,  True),
    "admin_edit_other_zona_practice": (False, False, False, False, True, True, True),
    "publish_practice":            (False, False, False, False, True,  True,  True),
    "publish_seminar":             (False, False, False, False, True,  False, True),
    "approve_practice_in_workflow": (False, False, False, False, False, True, False),
    "approve_newsletter_edition":  (False, False, False, False, False, True,  True),
    "admin_users":                 (False, False, False, False, False, False, True),
    "admin_zona_snippets":         (False, False, False, False, True,  False, True),
}


@pytest.fixture
def world(tree):
    from cms.demo.builder import ensure_page
    from cms.models import PracticePage, Zona

    zona_a, zona_b = Zona.objects.order_by("name")[:2]
    own, _ = ensure_page(
        tree.practices, PracticePage, "pratica-a", title="Pratica della zona A", summary="Sintesi.",
        owner_body="SdS A", zona=zona_a,
    )
    other, _ = ensure_page(
        tree.practices, PracticePage, "pratica-b", title="Pratica della zona B", summary="Sintesi.",
        owner_body="SdS B", zona=zona_b,
    )
    users = {"anonimo": None, "non_verificato": make_member("nv@example.it", verified=False)}
    for role in COLUMNS[2:]:
        slug = role.lower().replace(" ", "")
        users[role] = make_member(f"{slug}@example.it", groups=(role,))
    users["Referente di Zona"].profile.zona = zona_a
    users["Referente di Zona"].profile.save()
    return {"tree": tree, "own": own, "other": other, "users": users}


def _page_status(client, url) -> bool:
    response = client.get(url)
    return response.status_code == 200


def check(action: str, client, world, user) -> bool:
    tree = world["tree"]
    if action == "profile":
        return _page_status(client, "/account/profilo/")
    if action == "admin_dashboard":
        return _page_status(client, "/admin/")
    if action == "admin_add_seminar":
        return _page_status(client, f"/admin/pages/add/cms/seminarpage/{tree.seminars.pk}/")
    if action == "admin_edit_own_zona_practice":
        return _page_status(client, f"/admin/pages/{world['own'].pk}/edit/")
    if action == "admin_edit_other_zona_practice":
        return _page_status(client, f"/admin/pages/{world['other'].pk}/edit/")
    if action == "publish_practice":
        return user is not None and world["own"].permissions_for_user(user).can_publish()
    if action == "publish_seminar":
        from tests.accounts.conftest import make_seminar

        seminar = world.setdefault("seminar", make_seminar(tree, "matrice"))
        return user is not None and seminar.permissions_for_user(user).can_publish()
    if action == "approve_practice_in_workflow":
        if user is None:
            return False
        task = world["own"].get_workflow().tasks.first().specific
        return "approve" in [name for name, *_ in task.get_actions(world["own"], user)]
    if action == "approve_newsletter_edition":
        return user is not None and user.has_perm("newsletter.approve_edition")
    if action == "admin_users":
        return _page_status(client, "/admin/users/")
    if action == "admin_zona_snippets":
        return _page_status(client, "/admin/snippets/cms/zona/")
    raise AssertionError(action)


def test_permission_matrix(client, world):
    failures = []
    for column_index, column in enumerate(COLUMNS):
        user = world["users"][column]
        client.logout()
        if user is not None:
            client.force_login(user)
        for action, expected in MATRIX.items():
            got = check(action, client, world, user)
            if got != expected[column_index]:
                failures.append(f"{column} / {action}: expected {expected[column_index]}, got {got}")
    assert not failures, "\n".join(failures)


def test_roles_exist_with_admin_access_where_expected(db):
    from django.contrib.auth.models import Group

    from portal.roles import ROLE_NAMES

    groups = {g.name: g for g in Group.objects.filter(name__in=ROLE_NAMES)}
    assert set(groups) == set(ROLE_NAMES)
    with_admin = {name for name, g in groups.items() if g.permissions.filter(codename="access_admin").exists()}
    assert with_admin == set(ROLE_NAMES) - {"Operatore"}


def test_new_practice_index_grants_zone_referents(tree):
    from wagtail.models import GroupPagePermission

    codenames = set(
        GroupPagePermission.objects.filter(group__name="Referente di Zona", page=tree.practices).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page"}


def test_email_confirmation_makes_an_operatore(client, smtp):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from tests.accounts.conftest import links_in, path_of

    client.post(
        "/account/signup/",
        {"email": "op@example.it", "password1": "Inclusione-2025!x", "password2": "Inclusione-2025!x",
         "first_name": "Op", "last_name": "Eratore", "privacy": "on"},
    )
    user = get_user_model().objects.get(email="op@example.it")
    assert not user.groups.filter(name="Operatore").exists()
    smtp.wait_for(1)
    confirm = next(link for link in links_in(smtp.messages_to("op@example.it")[0]) if "confirm-email" in link)
    client.post(path_of(confirm))
    assert EmailAddress.objects.get(user=user).verified
    assert user.groups.filter(name="Operatore").exists()


def test_sync_roles_command_is_idempotent(db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    call_command("sync_roles", stdout=__import__("io").StringIO())
    after = {g.name: g.permissions.count() for g in Group.objects.all()}
    assert before == after


def test_staff_assign_roles_and_zona_in_the_wagtail_user_admin(client, db):
    from django.contrib.auth.models import Group

    from cms.models import Zona

    admin = make_member("amministratrice@example.it", groups=("Amministratore",))
    person = make_member("futura.referente@example.it", groups=("Operatore",))
    zona = Zona.objects.order_by("name").first()
    client.force_login(admin)
    form = client.get(reverse("wagtailusers_users:edit", args=[person.pk]))
    assert form.status_code == 200
    assert "Ente di appartenenza" in form.content.decode() and "Zona distretto" in form.content.decode()
    referente = Group.objects.get(name="Referente di Zona")
    operatore = Group.objects.get(name="Operatore")
    response = client.post(reverse("wagtailusers_users:edit", args=[person.pk]), {
        "username": person.username, "email": person.email, "first_name": "Futura", "last_name": "Referente",
        "password1": "", "password2": "", "is_active": "on",
        "groups": [operatore.pk, referente.pk],
        "organisation": "SdS Lunigiana", "professional_role": "assistente_sociale", "zona": zona.pk,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert set(person.groups.values_list("name", flat=True)) == {"Operatore", "Referente di Zona"}
    assert person.profile.zona == zona and person.profile.organisation == "SdS Lunigiana"
