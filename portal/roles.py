"""The portal's roles: Django groups and what each may do, kept as data in one place.

``sync_roles`` applies the table below; a data migration runs it, and the command
``manage.py sync_roles`` re-applies it (e.g. after adding the practices index page).
It only adds permissions: what staff grant by hand in the admin is left alone.
It imports none of the portal's apps (they read it: the app-layers contract in pyproject.toml),
so cms, questions, newsletter, adoptions and accounts may all ask it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

OPERATORE = "Operatore"
REFERENTE_ZONA = "Referente di Zona"
REDATTORE = "Redattore"
MODERATORE = "Moderatore"
AMMINISTRATORE = "Amministratore"
GESTIONE_NEWSLETTER = "Gestione newsletter"
ROLE_NAMES = (OPERATORE, REFERENTE_ZONA, REDATTORE, MODERATORE, AMMINISTRATORE, GESTIONE_NEWSLETTER)

PAGE_PERMISSIONS = ("add_page", "bulk_delete_page", "change_page", "lock_page", "publish_page", "unlock_page")

_ADMIN = [("wagtailadmin", "admin", "access_admin")]
_DOCS_IMAGES_USE = ["add_document", "choose_document", "add_image", "choose_image"]
_DOCS_IMAGES_ALL = [*_DOCS_IMAGES_USE, "change_document", "delete_document", "change_image", "delete_image"]


def _crud(app_label: str, model: str, actions=("add", "change", "delete", "view")) -> list[tuple[str, str, str]]:
    return [(app_label, model, f"{action}_{model}") for action in actions]


@dataclass(frozen=True)
class Role:
    """What a group may do: model permissions, page permissions on the whole tree or on
    the practices index only, and permissions on the root collection of documents/images."""

    model_permissions: list[tuple[str, str, str]] = field(default_factory=list)
    site_page_permissions: tuple[str, ...] = ()
    practice_page_permissions: tuple[str, ...] = ()
    collection_permissions: list[str] = field(default_factory=list)


_EDITORIAL = [
    *_ADMIN,
    *_crud("cms", "zona", ("add", "change", "view")),
    *_crud("cms", "topic", ("add", "change", "view")),
    *_crud("newsletter", "edition", ("add", "change", "view")),
    ("accounts", "registration", "view_registration"),
    ("accounts", "registration", "export_registration"),
]

# What the newsletter's mail told us and what subscribers agreed to: read only, for whoever runs it.
_NEWSLETTER_RECORDS = [
    ("newsletter", "bouncerecord", "view_bouncerecord"),
    ("newsletter", "suppressedaddress", "view_suppressedaddress"),
    ("newsletter", "consentrecord", "view_consentrecord"),
]

ROLES: dict[str, Role] = {
    # A member with a verified e-mail: front-end only (reserved content, submissions, registrations).
    OPERATORE: Role(),
    # Edits (and reads, in the admin) the practices of their own Zona (cms/zona_limit.py); never publishes.
    # Answers the questions about those practices (questions/: only their zona's; publishing is the moderators').
    REFERENTE_ZONA: Role(
        model_permissions=[*_ADMIN, *_crud("questions", "practicequestion", ("change", "view"))],
        practice_page_permissions=("add_page", "change_page"),
        collection_permissions=list(_DOCS_IMAGES_USE),
    ),
    # Publishes all content.
    REDATTORE: Role(
        model_permissions=list(_EDITORIAL),
        site_page_permissions=("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
        collection_permissions=list(_DOCS_IMAGES_ALL),
    ),
    # Approves practices (task of the 'Revisione buone pratiche' workflow) and newsletter editions.
    MODERATORE: Role(
        model_permissions=[
            *_ADMIN,
            ("newsletter", "edition", "view_edition"),
            ("newsletter", "edition", "change_edition"),
            ("newsletter", "edition", "approve_edition"),
            ("accounts", "registration", "view_registration"),
            *_crud("adoptions", "adoption", ("change", "view")),
            *_crud("questions", "practicequestion", ("change", "view")),
        ],
        site_page_permissions=("change_page", "lock_page", "unlock_page"),
        # approving the last workflow task publishes the revision as the approver
        practice_page_permissions=("publish_page",),
        collection_permissions=["choose_document", "choose_image"],
    ),
    # Runs the newsletter: subscribers (add, import, export, edit) and editions; approval stays with moderators.
    GESTIONE_NEWSLETTER: Role(
        model_permissions=[
            *_ADMIN,
            *_crud("newsletter", "subscriber", ("add", "change", "view")),
            *_crud("newsletter", "edition", ("add", "change", "view")),
            *_NEWSLETTER_RECORDS,
        ],
    ),
    # Everything above plus people: users and groups (roles are assigned in the Wagtail admin).
    AMMINISTRATORE: Role(
        model_permissions=[
            *_EDITORIAL,
            *_crud("cms", "zona"),
            *_crud("cms", "topic"),
            *_crud("newsletter", "edition"),
            ("newsletter", "edition", "approve_edition"),
            *_NEWSLETTER_RECORDS,
            *_crud("accounts", "registration"),
            *_crud("auth", "user"),
            *_crud("auth", "group"),
            *_crud("wagtailredirects", "redirect"),
            *_crud("adoptions", "adoption"),
            *_crud("questions", "practicequestion"),
        ],
        site_page_permissions=PAGE_PERMISSIONS,
        collection_permissions=[*_DOCS_IMAGES_ALL, "add_collection", "change_collection", "delete_collection"],
    ),
}

_COLLECTION_MODELS = {"document": ("wagtaildocs", "document"), "image": ("wagtailimages", "image"), "collection": ("wagtailcore", "collection")}


def _permission(apps, app_label: str, model_name: str, codename: str):
    """The Permission row, created if the post_migrate pass has not made it yet (fresh database)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        # not in the migration state (wagtailadmin's permission-only model) or not migrated
        # yet: use the row if its app made it, else the next sync adds it
        return Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model_name, codename=codename
        ).first()
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    action = codename.split("_", 1)[0]
    name = dict(model._meta.permissions).get(codename) or f"Can {action} {model._meta.verbose_name_raw}"
    permission, _ = Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": str(name)})
    return permission


def grant_practice_index(apps, index_page_id: int) -> None:
    """Give the roles their permissions on a (new) practices index page (referents, moderators)."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Group = apps.get_model("auth", "Group")
    for name, role in ROLES.items():
        if not role.practice_page_permissions:
            continue
        group, _ = Group.objects.get_or_create(name=name)
        for codename in role.practice_page_permissions:
            permission = _permission(apps, "wagtailcore", "page", codename)
            GroupPagePermission.objects.get_or_create(group=group, page_id=index_page_id, permission=permission)


def sync_roles(apps) -> dict[str, object]:
    """Create the groups and grant what ROLES says. ``apps``: migration apps or django.apps.apps."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    try:
        practice_indexes = list(apps.get_model("cms", "PracticeIndexPage").objects.values_list("pk", flat=True))
    except LookupError:
        practice_indexes = []
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    groups = {}
    for name, role in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        wanted = [_permission(apps, *spec) for spec in role.model_permissions]
        group.permissions.add(*[p for p in wanted if p is not None])
        page_targets = [(root_page.pk, role.site_page_permissions)] if root_page else []
        page_targets += [(pk, role.practice_page_permissions) for pk in practice_indexes]
        for page_id, codenames in page_targets:
            for codename in codenames:
                permission = _permission(apps, "wagtailcore", "page", codename)
                GroupPagePermission.objects.get_or_create(group=group, page_id=page_id, permission=permission)
        if root_collection:
            for codename in role.collection_permissions:
                app_label, model_name = _COLLECTION_MODELS[codename.split("_", 1)[1]]
                permission = _permission(apps, app_label, model_name, codename)
                if permission is not None:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
    return groups
