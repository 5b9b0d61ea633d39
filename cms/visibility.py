"""May this visitor see this content? One answer for a page and for a queryset, aliases included.

Wagtail keeps a view restriction on one page and applies it to that page's subtree. Its
queryset filter (``PageQuerySet.public()``) goes by tree path, and an alias lives at another
path while showing its source's content; ``Page.get_view_restrictions`` follows an alias to
its source but not to the source's ancestors. So here a restriction *covers*:

- the restricted page and its subtree (the page's tree path as a prefix), and
- every alias of a covered page, with the alias's own subtree (repeated until nothing new
  is covered: a page added under an alias can itself be aliased).

A page is visible when every restriction covering it accepts the visitor: the *login*
restriction ("riservato agli operatori") accepts members with a verified e-mail only;
password and group restrictions accept as Wagtail decides (the password given in this
session, membership of one of the groups). Public channels (listings, home, feeds, sitemap,
calendars, API, exports, newsletter) ask with no request: an anonymous visitor. Search asks
with ``member=`` its own flag, since its index holds no per-visitor secrets.

What the restrictions cover is read once per web request (a page asks several times: the menu,
its listings, related pages, each search hit) and forgotten at the end of the request and at
any save or delete of a page or a restriction, and any page move, in that request. Outside a
request (tasks, commands, the shell) it is read at every call.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.core.signals import request_finished, request_started
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_unpublished, post_page_move

PUBLIC = "public"
MEMBERS = "members"
HIDDEN = "hidden"
ALIAS_ROUNDS = 10  # alias of a page under an alias of a page under ...: far more than any real tree


@dataclass
class Coverage:
    """One view restriction and the tree paths (prefixes) of every page it covers."""

    restriction: PageViewRestriction
    paths: set[str] = field(default_factory=set)

    def covers(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.paths)


class _RequestMemo(threading.local):
    """The coverages read in this thread's current web request (``active`` only inside one)."""

    active = False
    found: list[Coverage] | None = None
    reads = 0  # times the coverages were read from the database (tests count them)


_memo = _RequestMemo()


def _request_started(**_kwargs) -> None:
    _memo.active, _memo.found = True, None


def _request_finished(**_kwargs) -> None:
    _memo.active, _memo.found = False, None


def _forget(sender=None, instance=None, **_kwargs) -> None:
    """A page or a restriction changed (saved, deleted, moved): read the coverages again."""
    _memo.found = None


def connect() -> None:
    """Called by CmsConfig.ready: the memo lives for one request and is dropped when a restriction
    changes (saved, deleted with its page, its groups edited) or a page moves or is unpublished.
    Only those senders: no handler on every model save of the project."""
    request_started.connect(_request_started, dispatch_uid="cms.visibility.request_started")
    request_finished.connect(_request_finished, dispatch_uid="cms.visibility.request_finished")
    post_save.connect(_forget, sender=PageViewRestriction, dispatch_uid="cms.visibility.post_save")
    post_delete.connect(_forget, sender=PageViewRestriction, dispatch_uid="cms.visibility.post_delete")
    m2m_changed.connect(_forget, sender=PageViewRestriction.groups.through, dispatch_uid="cms.visibility.m2m_changed")
    post_page_move.connect(_forget, dispatch_uid="cms.visibility.post_page_move")
    page_unpublished.connect(_forget, dispatch_uid="cms.visibility.page_unpublished")


def coverages() -> list[Coverage]:
    """Every view restriction with what it covers (one query, plus one per round of aliases),
    read once per web request (see the module's docstring)."""
    if _memo.active and _memo.found is not None:
        return _memo.found
    found = _read_coverages()
    _memo.reads += 1
    if _memo.active:
        _memo.found = found
    return found


def _read_coverages() -> list[Coverage]:
    restrictions = list(PageViewRestriction.objects.select_related("page").only("page__path", "restriction_type",
                                                                                  "password", "page_id"))
    if not restrictions:
        return []
    found = [Coverage(r, {r.page.path}) for r in restrictions]
    new = [set(c.paths) for c in found]
    for _round in range(ALIAS_ROUNDS):
        wanted = set().union(*new)
        if not wanted:
            break
        condition = Q()
        for prefix in wanted:
            condition |= Q(alias_of__path__startswith=prefix)
        aliases = list(Page.objects.filter(alias_of__isnull=False).filter(condition)
                       .values_list("path", "alias_of__path"))
        new = []
        for coverage in found:
            added = {path for path, source in aliases if coverage.covers(source) and not coverage.covers(path)}
            coverage.paths |= added
            new.append(added)
    return found


def _accepts(restriction, request, member) -> bool:
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        if member is None:
            from portal.membership import is_verified_member

            member = request is not None and is_verified_member(request.user)
        return bool(member)
    return request is not None and restriction.accept_request(request)


def refusing(page, request=None, *, member=None) -> list[PageViewRestriction]:
    """The restrictions covering this page that do not accept the visitor (empty: visible)."""
    return [c.restriction for c in coverages() if c.covers(page.path) and not _accepts(c.restriction, request, member)]


def visible(target, request=None, *, member=None):
    """May this visitor see this content?

    ``target`` a page: True or False. ``target`` a queryset of pages: the part the visitor may
    see. ``request`` None: an anonymous visitor. ``member`` (optional) says whether the visitor
    counts as a verified member, instead of reading it from ``request.user``.
    """
    if isinstance(target, Page):
        return not refusing(target, request, member=member)
    refused = Q()
    for coverage in coverages():
        if not _accepts(coverage.restriction, request, member):
            for prefix in coverage.paths:
                refused |= Q(path__startswith=prefix)
    return target.exclude(refused) if refused else target


def kinds_by_page(pages, found: list[Coverage] | None = None) -> dict[int, str]:
    """page id -> PUBLIC, MEMBERS (login restrictions only) or HIDDEN (a password or groups), for many
    pages; ``found``: the :func:`coverages` already read (a reindex reads them once)."""
    found = coverages() if found is None else found
    out = {}
    for page in pages:
        kinds = {c.restriction.restriction_type for c in found if c.covers(page.path)}
        out[page.pk] = PUBLIC if not kinds else MEMBERS if kinds <= {PageViewRestriction.LOGIN} else HIDDEN
    return out


def kind_of(page) -> str:
    """PUBLIC, MEMBERS or HIDDEN for one page (see :func:`kinds_by_page`)."""
    return kinds_by_page([page])[page.pk]


# SeminarPage fields whose documents are for members when the seminar has members_only_materials.
RESERVED_MATERIAL_FIELDS = frozenset({"materials", "recording_url"})


def document_visible(document, request=None, *, member=None) -> bool:
    """May this visitor download this document? Documents follow the pages that use them.

    Visible when a live page the visitor may see uses it (the materials of a seminar with
    ``members_only_materials`` count for members only), or when something other than a page
    uses it (a snippet or a setting: site furniture, public). A document that no visible live
    page uses any more (its practice unpublished, withdrawn or deleted) is refused.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    fields_by_page: dict[int, set[str]] = {}
    for type_id, object_id, model_path in ReferenceIndex.get_references_to(document).values_list(
        "base_content_type_id", "object_id", "model_path"
    ):
        if type_id != page_type.pk:
            return True
        fields_by_page.setdefault(int(object_id), set()).add(model_path.split(".", 1)[0])
    if not fields_by_page:
        return False
    if member is None:
        from portal.membership import is_verified_member

        member = request is not None and is_verified_member(request.user)
    for page in visible(Page.objects.live().filter(pk__in=fields_by_page), request, member=member).specific():
        materials_only = fields_by_page[page.pk] <= RESERVED_MATERIAL_FIELDS
        if member or not (materials_only and getattr(page, "members_only_materials", False)):
            return True
    return False


def aliases_covered_with(page) -> list[Page]:
    """The aliases a restriction on ``page`` also covers (of the page or of any page below it, and
    so on), for whoever must revisit them when the page's privacy changes (the search index)."""
    probe = Coverage(PageViewRestriction(page=page), {page.path})
    found: list[Page] = []
    new = {page.path}
    for _round in range(ALIAS_ROUNDS):
        condition = Q()
        for prefix in new:
            condition |= Q(alias_of__path__startswith=prefix)
        aliases = [a for a in Page.objects.filter(alias_of__isnull=False).filter(condition) if not probe.covers(a.path)]
        if not aliases:
            break
        found += aliases
        new = {a.path for a in aliases}
        probe.paths |= new
    return found
