"""What a Referente di Zona reads in the admin, and the page permissions of the roles.

The Zona limit itself (a Referente edits only the good practices of their own zona) is in
cms/zona_limit.py; here it is applied to the content: ``ZonaPagePermissionPolicy`` is the page
permission policy every Wagtail view asks (explorer, search, reports, admin API), and
``documents_for_user`` / ``pages_for_chooser`` narrow the choosers (hooks in wagtail_hooks.py).

The roles are portal.roles' table; here the page permissions each role needs on the site tree
are granted.
"""
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.models import GroupPagePermission
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.zona_limit import MODERATOR_GROUP, group_names, is_zona_restricted, user_zona, zona_allowed_actions


def zona_scoped_pages(pages, user, actions):
    """``pages`` (a queryset the tree grants for ``actions``) narrowed as ``zona_allowed_actions`` says."""
    from cms.models import PracticePage

    if not is_zona_restricted(user):
        return pages
    zona = user_zona(user)
    own = PracticePage.objects.filter(zona=zona) if zona is not None else PracticePage.objects.none()
    if "add" in actions:  # other pages stay, for adding under them; other zones' practices go
        return pages.exclude(pk__in=PracticePage.objects.exclude(pk__in=own.values("pk")).values("pk"))
    return pages.filter(pk__in=own.values("pk"))


def pages_for_chooser(pages, user):
    """Pages offered by the admin's page chooser (for links): a Referente di Zona may link any
    published page, but of other zones' practices no draft (a proposal, or the pending title of
    a published one) is shown."""
    from cms.models import PracticePage

    if not is_zona_restricted(user):
        return pages
    zona = user_zona(user)
    others = PracticePage.objects.exclude(zona=zona) if zona is not None else PracticePage.objects.all()
    drafts = others.filter(Q(live=False) | Q(has_unpublished_changes=True))
    return pages.exclude(pk__in=drafts.values("pk"))


class ZonaPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy with the Zona limit: registered for Page, it is what the
    explorer, the page search, the flat listings, the workflow and site-history reports and the
    admin API ask for the pages a user may see or act on."""

    def instances_user_has_any_permission_for(self, user, actions):
        return zona_scoped_pages(super().instances_user_has_any_permission_for(user, actions), user, set(actions))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        allowed = {action for action in actions if super().user_has_any_permission_for_instance(user, {action}, instance)}
        return bool(zona_allowed_actions(user, instance, allowed))


def _perm(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def ensure_page_permissions():
    """Grant each role its permissions from the role table, portal.roles (idempotent)."""
    from django.apps import apps

    from portal.roles import sync_roles

    sync_roles(apps)
    grant_practice_moderation()


def grant_practice_moderation():
    """Moderators publish the practices they approve: Wagtail publishes the approved revision
    as the approving user, so 'Moderatore' needs change+publish on the practices index."""
    from cms.models import PracticeIndexPage

    group, _ = Group.objects.get_or_create(name=MODERATOR_GROUP)
    for index in PracticeIndexPage.objects.all():
        for codename in ("change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=_perm(codename))


def practice_document_ids(practices) -> set[int]:
    """Documents attached to these practices, live or in their latest revision (a proposal in
    moderation lives in its revision)."""
    from wagtail.models import Revision

    from cms.models import PracticePage
    from cms.models.blocks import document_ids

    field = PracticePage._meta.get_field("attachments")
    ids, revisions = set(), []
    for attachments, revision_id in practices.values_list("attachments", "latest_revision_id"):
        ids.update(document_ids(attachments))
        if revision_id:
            revisions.append(revision_id)
    for content in Revision.objects.filter(pk__in=revisions).values_list("content", flat=True):
        ids.update(document_ids(field.to_python((content or {}).get("attachments") or "[]")))
    return ids


def collections_closed_to(user):
    """Collections (with their sub-collections) whose view restriction ``user`` does not pass:
    Wagtail's own mark for "editors only", e.g. the attachments of proposals in review."""
    from wagtail.models import Collection, CollectionViewRestriction

    closed = Collection.objects.none()
    for restriction in CollectionViewRestriction.objects.select_related("collection").prefetch_related("groups"):
        if restriction.restriction_type == CollectionViewRestriction.LOGIN:
            continue
        if restriction.restriction_type == CollectionViewRestriction.GROUPS and (
            {group.name for group in restriction.groups.all()} & group_names(user)
        ):
            continue
        closed |= Collection.objects.descendant_of(restriction.collection, inclusive=True)
    return closed


def documents_for_user(documents, user):
    """The documents ``user`` may see in the admin's choosers. A Referente di Zona: none attached
    to another zona's practices; from collections closed to them only their zona's attachments
    and what they uploaded themselves. Everyone else: all of ``documents``."""
    from cms.models import PracticePage

    if not is_zona_restricted(user):
        return documents
    zona = user_zona(user)
    own_practices = PracticePage.objects.filter(zona=zona) if zona is not None else PracticePage.objects.none()
    own = practice_document_ids(own_practices)
    others = practice_document_ids(PracticePage.objects.exclude(pk__in=own_practices.values("pk"))) - own
    return documents.exclude(pk__in=others).filter(
        ~Q(collection__in=collections_closed_to(user)) | Q(pk__in=own) | Q(uploaded_by_user=user)
    )
