"""The Zona limit: a Referente di Zona edits (and reads, in the admin) only the practices of their own zona.

Who is limited (the roles, read by group name), to which zona (their profile's) and which of the
page actions the tree grants are left to them. It reads no content: the page types limited by
zona say so themselves (``zona_limited = True`` on PracticePage), and the practice models hand
their permission tester (``PracticePermissionTester``) to Wagtail from here. What needs content
(the admin's page and document querysets, the grants of the roles) is in cms/permissions.py.
"""
from wagtail.models import PagePermissionTester

from portal import roles

# the roles' names are portal.roles' (the table of what each may do)
ZONA_EDITOR_GROUP = roles.REFERENTE_ZONA
EDITOR_GROUP = roles.REDATTORE
MODERATOR_GROUP = roles.MODERATORE
ADMIN_GROUP = roles.AMMINISTRATORE
OPERATOR_GROUP = roles.OPERATORE
UNRESTRICTED_GROUPS = {EDITOR_GROUP, MODERATOR_GROUP, ADMIN_GROUP}


def _group_names(user) -> set[str]:
    cached = getattr(user, "_cms_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._cms_group_names = cached
    return cached


def group_names(user) -> set[str]:
    """The names of the user's groups (roles), read once per request's user."""
    return set(_group_names(user))


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


def is_zona_limited(page) -> bool:
    """Whether ``page`` is of a type a Referente di Zona acts on only in their own zona: the page
    type says so (``zona_limited = True``, the practices), and its ``zona`` is the one compared."""
    return bool(getattr(page.specific_class or type(page), "zona_limited", False))


def zona_allowed_actions(user, page, actions: set[str]) -> set[str]:
    """Of the page actions the tree grants ``user`` on ``page``, those left after the Zona limit.

    The one answer to "may this Referente act on (and so read) this page in the admin?": on the
    practices of their own zona everything the tree grants; on practices of other zones nothing;
    on any other page (the practices index) only 'add', i.e. adding practices under it, never
    editing the site-wide index itself. Everyone else keeps what the tree grants.
    """
    if not is_zona_restricted(user):
        return set(actions)
    if is_zona_limited(page):
        zona_id = getattr(page, "zona_id", None)
        if zona_id is None and not hasattr(page, "zona_id"):
            zona_id = page.specific_deferred.zona_id
        return set(actions) if can_manage_practice_of(user, zona_id) else set()
    return set(actions) & {"add"}


class PracticePermissionTester(PagePermissionTester):
    """Page permissions of the practices and of their index, with the Zona limit applied to the
    actions the tree grants (every can_* method reads ``self.permissions``)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if hasattr(self, "permissions"):
            self.permissions = zona_allowed_actions(user, page, self.permissions)
