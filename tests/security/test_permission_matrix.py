"""Who may do what: every protected view and the admin actions, for every role.

Actors: anonymous, an account with an unverified address, and one account per role
created by the accounts data migration (Operatore, Referente di Zona of zona A,
Redattore, Moderatore, Amministratore).

1. Every URL pattern of the admin (Wagtail and Django) and of the member area, walked
   from the URL resolver, requested by every actor: no 5xx for anybody, and the
   invariants of the role table hold (no admin page for members, people and groups
   only for the Amministratore, the Django admin for nobody without is_staff...).
2. Admin actions that change data, each tried by every actor, and judged by their
   effect in the database (not by the status code): editing, publishing, unpublishing,
   locking and deleting the practice of one's own zona and of another zona, approving a
   practice in moderation, taxonomy snippets, users and roles (privilege escalation),
   documents, newsletter approval and sending, the attendee export.
"""
from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.conftest import make_member
from tests.security.conftest import report, site_tree
from tests.security.test_csrf import _example_path, _patterns

pytestmark = pytest.mark.django_db

ACTORS = ("anonimo", "non_verificato", "Operatore", "Referente di Zona", "Redattore", "Moderatore", "Amministratore")
ADMIN_ROLES = ACTORS[3:]
PUBLIC_ACCOUNT_PAGES = (
    "/account/login/", "/account/signup/", "/account/password/reset/", "/account/confirm-email/", "/account/3rdparty/",
    "/account/social/", "/account/inactive/", "/account/oidc/", "/account/reauthenticate/", "/account/logout/",
    "/account/email/verify", "/account/password/reset/key/", "/account/password/reset/done/",
)
# Wagtail's view that raises on purpose (to test error reporting), and the logout views (Wagtail's
# deletes the session cookie even on a refused GET, which would end the walk of that actor).
SKIPPED = ("/admin/failwhale/", "/admin/logout/", "/django-admin/logout/", "/account/logout/")
PUBLIC_ADMIN_PAGES = ("/admin/sprite/", "/admin/login/", "/admin/password_reset/", "/django-admin/login/", "/admin/jsi18n/", "/django-admin/jsi18n/")


@pytest.fixture
def world(db):
    from cms.demo.builder import ensure_page
    from cms.models import PracticePage, Zona

    tree = site_tree()
    zona_a, zona_b = Zona.objects.order_by("name")[:2]
    users = {"anonimo": None, "non_verificato": make_member("nv@example.it", verified=False)}
    for role in ADMIN_ROLES + ("Operatore",):
        users[role] = make_member(f"{role.lower().replace(' ', '')}@example.it", groups=(role,))
    users["Referente di Zona"].profile.zona = zona_a
    users["Referente di Zona"].profile.save()

    def practice(slug, zona):
        page, _ = ensure_page(tree.practices, PracticePage, slug, title=f"Pratica {slug}", summary="Sintesi.",
                              owner_body="SdS", zona=zona)
        return page

    return {"tree": tree, "zona_a": zona_a, "zona_b": zona_b, "users": users, "practice": practice}


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- 1. the walk ---------------------------------------------------------------------------------
def _protected_paths() -> list[str]:
    paths = []
    for regex, pattern in _patterns():
        if not regex.startswith(("admin", "django\\-admin", "account")):
            continue
        path = _example_path(regex, pattern)
        if path is not None and not path.startswith(SKIPPED):
            paths.append(path)
    return sorted(set(paths))


def _is_public(path: str) -> bool:
    return path.startswith(PUBLIC_ACCOUNT_PAGES + PUBLIC_ADMIN_PAGES)


def test_walk_every_admin_and_member_url_as_every_actor(world):
    paths = _protected_paths()
    ok = {actor: set() for actor in ACTORS}
    errors = []
    requests = 0
    for actor in ACTORS:
        client = client_for(world["users"][actor])
        for path in paths:
            response = client.get(path)
            requests += 1
            if response.status_code >= 500:
                errors.append((actor, path, response.status_code))
            elif response.status_code == 200:
                ok[actor].add(path)

    def granted(actor, prefix):
        return sorted(p for p in ok[actor] if p.startswith(prefix) and not _is_public(p))

    violations = []
    for actor in ("anonimo", "non_verificato", "Operatore"):
        for prefix in ("/admin/", "/django-admin/"):
            violations += [(actor, p) for p in granted(actor, prefix)]
    violations += [("anonimo", p) for p in granted("anonimo", "/account/")]
    for actor in ACTORS:  # nobody here is staff: the Django admin is for superusers only
        violations += [(actor, p) for p in granted(actor, "/django-admin/")]
    for actor in ACTORS[:-1]:  # people and roles: the Amministratore only
        for prefix in ("/admin/users/", "/admin/groups/"):
            violations += [(actor, p) for p in granted(actor, prefix)]
    for actor in ACTORS:  # sites and workflows: superusers only (no role grants them)
        for prefix in ("/admin/sites/", "/admin/workflows/"):
            # Wagtail opens its task chooser (a read-only list) to every admin user; creating a task
            # from it needs the permission (action table below).
            violations += [(actor, p) for p in granted(actor, prefix) if not p.startswith("/admin/workflows/task_chooser/")]
    must_reach = {
        "Amministratore": ["/admin/", "/admin/users/", "/admin/groups/"],
        "Redattore": ["/admin/", "/admin/snippets/cms/zona/", "/admin/newsletter/edition/"],
        "Moderatore": ["/admin/", "/admin/newsletter/edition/"],
        "Referente di Zona": ["/admin/"],
        "Operatore": ["/account/profilo/"],
    }
    missing = [(actor, p) for actor, ps in must_reach.items() for p in ps if p not in ok[actor]]
    report(
        "Permission walk: admin and member URLs x actors (GET)",
        url_patterns=len(paths),
        requests=requests,
        pages_open_per_actor={a: len(ok[a]) for a in ACTORS},
        server_errors=errors or 0,
        violations=violations or 0,
    )
    assert not errors, errors[:20]
    assert not violations, violations[:30]
    assert not missing, missing


# --- 2. actions judged by their effect --------------------------------------------------------------
_windows = __import__("itertools").count()  # newsletter windows: one year each, from 2030
# Names of what an action makes: a fresh number each call. Not id(client): the id of a collected
# client comes back, and ensure_page then returned the page an earlier actor had already acted on
# (CI, 2026-12-07: a workflow started twice on one page).
_serial = __import__("itertools").count(1)
class Actions:
    """Each action: (name, allowed actors, function(world, client, user) -> bool 'it took effect')."""

    def __init__(self):
        self.rows: list[tuple[str, set[str], object]] = []

    def add(self, name: str, allowed, function) -> None:
        self.rows.append((name, set(allowed), function))


def _edit_form(page, title: str) -> dict:
    """The admin edit form of ``page`` as an administrator sees it, with a new title."""
    from django.contrib.auth import get_user_model
    from wagtail.test.utils.form_data import querydict_from_html

    admin = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "matrix-root", "matrix-root@example.it", "x-Pass-12345")
    html = client_for(admin).get(f"/admin/pages/{page.pk}/edit/").content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    from wagtail.fields import StreamField

    for field in type(page.specific)._meta.get_fields():
        if isinstance(field, StreamField) and f"{field.name}-count" not in data:
            data[f"{field.name}-count"] = "0"  # rendered by JavaScript in a browser; these test pages have none
    data["title"] = title
    return data


def _actions() -> Actions:
    from wagtail.models import Page

    actions = Actions()
    editors_of_all = ("Redattore", "Moderatore", "Amministratore")
    # On practices the Moderatore has publish_page too (approving the workflow publishes as the
    # approver), and in Wagtail publishing includes unpublishing and deleting live pages.
    publishers = ("Redattore", "Moderatore", "Amministratore")

    def edit(zona_key):
        def run(world, client, user):
            page = world["practice"](f"edit-{zona_key}-{next(_serial)}", world[zona_key])
            data = _edit_form(page, "Titolo cambiato")
            client.post(f"/admin/pages/{page.pk}/edit/", data)
            return Page.objects.get(pk=page.pk).specific.get_latest_revision().content.get("title") == "Titolo cambiato"
        return run

    def publish(zona_key):
        def run(world, client, user):
            page = world["practice"](f"pub-{zona_key}-{next(_serial)}", world[zona_key])
            data = _edit_form(page, "Titolo pubblicato")
            data["action-publish"] = "action-publish"
            client.post(f"/admin/pages/{page.pk}/edit/", data)
            return Page.objects.get(pk=page.pk).title == "Titolo pubblicato"
        return run

    def simple(verb, check, zona_key="zona_b"):
        def run(world, client, user):
            page = world["practice"](f"{verb}-{zona_key}-{next(_serial)}", world[zona_key])
            client.post(f"/admin/pages/{page.pk}/{verb}/", {})
            return check(page)
        return run

    actions.add("modifica pratica della propria zona", ("Referente di Zona", *editors_of_all), edit("zona_a"))
    actions.add("modifica pratica di un'altra zona", editors_of_all, edit("zona_b"))
    actions.add("pubblica pratica della propria zona", publishers, publish("zona_a"))
    actions.add("pubblica pratica di un'altra zona", publishers, publish("zona_b"))
    actions.add("ritira pratica di un'altra zona", publishers,
                simple("unpublish", lambda p: not Page.objects.get(pk=p.pk).live))
    actions.add("ritira pratica della propria zona", publishers,
                simple("unpublish", lambda p: not Page.objects.get(pk=p.pk).live, "zona_a"))
    actions.add("blocca pratica di un'altra zona", editors_of_all,
                simple("lock", lambda p: Page.objects.get(pk=p.pk).locked))
    actions.add("elimina pratica di un'altra zona", publishers,
                simple("delete", lambda p: not Page.objects.filter(pk=p.pk).exists()))
    actions.add("elimina pratica della propria zona", publishers,
                simple("delete", lambda p: not Page.objects.filter(pk=p.pk).exists(), "zona_a"))

    def approve_in_workflow(world, client, user):
        from wagtail.models import WorkflowState

        page = world["practice"](f"wf-{next(_serial)}", world["zona_b"])
        page.save_revision()
        page.get_workflow().start(page, world["users"]["Redattore"])
        state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk), status="in_progress")
        client.post(f"/admin/pages/workflow/action/{page.pk}/approve/{state.current_task_state.pk}/", {"comment": ""})
        state.refresh_from_db()
        return state.status != "in_progress" or state.current_task_state.status != "in_progress"

    actions.add("approva pratica in revisione (flusso)", ("Moderatore",), approve_in_workflow)

    def add_zona(world, client, user):
        from cms.models import AziendaUSL, Zona

        before = Zona.objects.count()
        n = next(_serial)  # zone names are unique
        client.post("/admin/snippets/cms/zona/add/", {"name": f"Zona nuova {n}", "slug": f"zona-nuova-{n}",
                                                     "azienda_usl": AziendaUSL.CENTRO, "sds_status": "si"})
        return Zona.objects.count() > before

    def delete_zona(world, client, user):
        from cms.models import Zona

        n = next(_serial)
        zona = Zona.objects.create(name=f"Zona da eliminare {n}", slug=f"zona-del-{n}",
                                   azienda_usl=Zona._meta.get_field("azienda_usl").choices[0][0])
        client.post(f"/admin/snippets/cms/zona/delete/{zona.pk}/", {})
        return not Zona.objects.filter(pk=zona.pk).exists()

    actions.add("crea zona (tassonomia)", ("Redattore", "Amministratore"), add_zona)
    actions.add("elimina zona (tassonomia)", ("Amministratore",), delete_zona)

    def add_user(world, client, user):
        from django.contrib.auth import get_user_model

        User = get_user_model()
        before = User.objects.count()
        n = next(_serial)
        client.post("/admin/users/new/", {
            "username": f"nuovo{n}", "email": f"nuovo{n}@example.it", "first_name": "N", "last_name": "U",
            "password1": "Nuova-Password-2025!", "password2": "Nuova-Password-2025!", "is_active": "on",
        })
        return User.objects.count() > before

    def join_admins(world, client, user):
        from django.contrib.auth.models import Group

        if user is None:
            return False
        admins = Group.objects.get(name="Amministratore")
        client.post(f"/admin/users/edit/{user.pk}/", {
            "username": user.username, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
            "is_active": "on", "groups": [str(g.pk) for g in user.groups.all()] + [str(admins.pk)], "is_superuser": "on",
        })
        user.refresh_from_db()
        return user.groups.filter(pk=admins.pk).exists()

    def grant_role_to_someone(world, client, user):
        from django.contrib.auth.models import Group

        target = make_member(f"destinatario{next(_serial)}@example.it")
        editors = Group.objects.get(name="Redattore")
        client.post(f"/admin/users/edit/{target.pk}/", {
            "username": target.username, "email": target.email, "first_name": "D", "last_name": "U",
            "is_active": "on", "groups": [str(editors.pk)],
        })
        return target.groups.filter(pk=editors.pk).exists()

    def become_superuser(world, client, user):
        join_admins(world, client, user)
        return bool(user and user.is_superuser)

    def create_workflow_task(world, client, user):
        from wagtail.models import Task

        before = Task.objects.count()
        client.post("/admin/workflows/task_chooser/create/", {"create-task-name": f"Compito {next(_serial)}",
                                                              "create-task-groups": []})
        return Task.objects.count() > before

    actions.add("crea attività di flusso (dal selettore)", (), create_workflow_task)
    actions.add("crea utente", ("Amministratore",), add_user)
    actions.add("si aggiunge al gruppo Amministratore", ("Amministratore",), join_admins)  # already in it
    actions.add("si rende superutente", (), become_superuser)
    actions.add("assegna il ruolo Redattore a un altro utente", ("Amministratore",), grant_role_to_someone)

    def delete_document(world, client, user):
        from wagtail.documents import get_document_model

        from tests.accounts.conftest import make_document

        document = make_document(f"Documento {next(_serial)}")
        client.post(f"/admin/documents/delete/{document.pk}/", {})
        return not get_document_model().objects.filter(pk=document.pk).exists()

    actions.add("elimina documento", ("Redattore", "Amministratore"), delete_document)

    def edition_action(name, done):
        def run(world, client, user):
            import datetime

            from newsletter.models import Edition
            from tests.newsletter import factories
            from tests.newsletter.factories import aware

            year = 2030 + next(_windows)
            edition = factories.sendable_edition(
                [factories.news(f"Notizia {year}", aware(datetime.date(year, 1, 10)))],
                window=(datetime.date(year, 1, 1), datetime.date(year, 2, 28)),
            )
            if name == "approve":
                Edition.objects.filter(pk=edition.pk).update(status="draft")
            client.post(f"/admin/newsletter/edition/action/{edition.pk}/{name}/", {"confirm": "1"})  # "send" asks it
            return Edition.objects.get(pk=edition.pk).status in done
        return run

    actions.add("approva edizione newsletter", ("Moderatore", "Amministratore"), edition_action("approve", ("approved",)))
    actions.add("avvia invio newsletter", ("Moderatore", "Amministratore"), edition_action("send", ("sending", "sent")))

    def export_attendees(world, client, user):
        response = client.get("/admin/seminar_registrations/", {"export": "csv"})
        return response.status_code == 200 and response.get("Content-Type", "").startswith("text/csv")

    actions.add("esporta iscritti (CSV, dati personali)", ("Redattore", "Amministratore"), export_attendees)

    def read_reserved(world, client, user):
        from tests import builders

        page = builders.news(f"Riservata {next(_serial)}", "Solo per operatori.")
        builders.restrict(page)
        response = client.get(page.url)
        return response.status_code == 200 and b"Solo per operatori." in response.content

    actions.add("legge pagina riservata agli operatori", ("Operatore", *ADMIN_ROLES), read_reserved)
    return actions


def test_admin_actions_by_every_role_judged_by_their_effect(world, smtp):
    table = _actions()
    failures, grid = [], {}
    for name, allowed, run in table.rows:
        row = {}
        for actor in ACTORS:
            user = world["users"][actor]
            took_effect = bool(run(world, client_for(user), user))
            row[actor] = "sì" if took_effect else "no"
            if took_effect != (actor in allowed):
                failures.append(f"{actor} / {name}: {'allowed' if took_effect else 'refused'}, expected "
                                f"{'allowed' if actor in allowed else 'refused'}")
        grid[name] = row
    width = max(len(n) for n in grid)
    lines = [" " * width + "  " + " ".join(a[:6].ljust(6) for a in ACTORS)]
    lines += [n.ljust(width) + "  " + " ".join(grid[n][a].ljust(6) for a in ACTORS) for n in grid]
    report(
        "Permission matrix: admin actions x actors (effect in the database)",
        actions=len(grid),
        attempts=len(grid) * len(ACTORS),
        matrix="\n    " + "\n    ".join(lines),
        unexpected=len(failures),
    )
    assert not failures, "\n".join(failures)
