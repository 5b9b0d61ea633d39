"""Who may edit which content: a Referente di Zona only the good practices of their own zona.

Groups (roles) belong to the accounts app; here we only read them by name and grant the
page permissions each role needs on the site tree.
"""
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, PagePermissionTester

ZONA_EDITOR_GROUP = "Referente di Zona"
EDITOR_GROUP = "Redattore"
MODERATOR_GROUP = "Moderatore"
ADMIN_GROUP = "Amministratore"
OPERATOR_GROUP = "Operatore"
UNRESTRICTED_GROUPS = {EDITOR_GROUP, MODERATOR_GROUP, ADMIN_GROUP}


def _group_names(user) -> set[str]:
    cached = getattr(user, "_cms_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._cms_group_names = cached
    return cached


def user_zona(user):
    """The Zona of the user's profile (accounts.Profile.zona), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        profile = user.profile
    except Exception:  # no profile model or no profile row: no zona
        return None
    return getattr(profile, "zona", None)


def is_zona_restricted(user) -> bool:
    """True for a Referente di Zona who is not also editor, moderator or administrator."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    groups = _group_names(user)
    return ZONA_EDITOR_GROUP in groups and not (groups & UNRESTRICTED_GROUPS)


def can_manage_practice_of(user, zona_id) -> bool:
    """Whether the user may edit a practice of this zona (page permissions aside)."""
    if not is_zona_restricted(user):
        return True
    zona = user_zona(user)
    return zona is not None and zona_id is not None and zona.pk == zona_id


class PracticePermissionTester(PagePermissionTester):
    """Page permissions, narrowed for a Referente di Zona to the practices of their zona."""

    def _own_zona(self) -> bool:
        return can_manage_practice_of(self.user, getattr(self.page, "zona_id", None))

    def can_edit(self):
        return self._own_zona() and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return self._own_zona() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_publish(self):
        return self._own_zona() and super().can_publish()

    def can_unpublish(self):
        return self._own_zona() and super().can_unpublish()

    def can_submit_for_moderation(self):
        return self._own_zona() and super().can_submit_for_moderation()

    def can_lock(self):
        return self._own_zona() and super().can_lock()

    def can_move(self):
        return self._own_zona() and super().can_move()

    def can_copy(self):
        return self._own_zona() and super().can_copy()


def _perm(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def ensure_page_permissions():
    """Grant each role its permissions from the accounts app's role table (idempotent)."""
    from django.apps import apps

    from portal.accounts.roles import sync_roles

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
