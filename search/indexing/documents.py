"""The document of each page, built in batches: what ``search.engine.mapping`` describes, filled
from the pages (their ``search_payload``), for the outbox and the reindex alike.

Which pages may be in the index, and with which visibility, is ``search.corpus``.
"""
from __future__ import annotations

from django.utils import timezone
from wagtail.models import Page

from search.corpus import HIDDEN, MEMBERS, is_indexed_type
from search.engine.attachments import attachments_text

class BuildContext:
    """What the documents of many pages share, read once instead of once per page.

    - what each view restriction covers (cms.visibility: subtrees and aliases), so the
      visibility of a batch is computed without a query per page;
    - the site root paths, which ``Page.url`` would otherwise read from the cache per page.
    A context lives as long as one reindex run (or one single-page build).
    """

    def __init__(self):
        from wagtail.models import Site

        from cms.visibility import coverages

        self.coverages = coverages()
        self.site_root_paths = Site.get_site_root_paths()

    def visibilities(self, pages) -> dict[int, str]:
        """page id -> PUBLIC / MEMBERS / HIDDEN for many pages (cms.visibility, no query per page)."""
        from cms.visibility import kinds_by_page

        return kinds_by_page(pages, self.coverages)


def build_documents(pages, context: BuildContext | None = None) -> list[tuple[object, dict | None, Exception | None]]:
    """(page, document or None, error or None) for each page, in order: the one way documents are built.

    The pages' relations are prefetched per page type and their visibility and URLs
    computed for the whole batch; :func:`document_for` is this with a batch of one, so
    the reindex and the outbox build the very same documents. When the batch as a whole
    fails (a prefetch, the visibilities), each page is built alone: only the page at fault
    gets the error.
    """
    context = context or BuildContext()
    pages = list(pages)
    try:
        return _build_batch(pages, context)
    except Exception as exc:
        if len(pages) == 1:
            return [(pages[0], None, exc)]
        return [result for page in pages for result in build_documents([page], context)]


def _build_batch(pages, context: BuildContext) -> list[tuple[object, dict | None, Exception | None]]:
    pages = [page.specific if type(page) is Page else page for page in pages]
    candidates = [page for page in pages if page is not None and is_indexed_type(page) and page.live]
    seen_by = context.visibilities(candidates)
    by_type: dict[type, list] = {}
    for page in candidates:
        if seen_by[page.pk] != HIDDEN:
            by_type.setdefault(type(page), []).append(page)
    for model, group in by_type.items():
        _prefetch(model, group)
    results = []
    for page in pages:
        if page is None or seen_by.get(page.pk, HIDDEN) == HIDDEN or type(page) not in by_type:
            results.append((page, None, None))
            continue
        try:
            results.append((page, _document(page, seen_by[page.pk], context), None))
        except Exception as exc:  # one page that cannot be serialised must not lose the others
            results.append((page, None, exc))
    return results


def _prefetch(model, group) -> None:
    """Prefetch ``model.search_prefetch`` for a group of pages of that model.

    Django's own prefetch builds a filtered queryset per page and relation to hold the
    results, which costs more than the query (taggit and modelcluster managers especially).
    The rows are fetched by the same prefetch query into a plain list instead (``to_attr``),
    then put where the relation managers look for prefetched rows (the cache named after
    the relation), inside an empty queryset that can never reach the database.
    """
    from django.db.models import Prefetch, QuerySet, prefetch_related_objects

    lookups = getattr(model, "search_prefetch", ())
    single = [name for name in lookups if "__" not in name and getattr(model._meta.get_field(name), "many_to_one", False)]
    many = []  # (relation, what its rows follow: "adoptions__zona" is the adoptions with their zona)
    for lookup in lookups:
        if lookup not in single:
            relation, _sep, follow = lookup.partition("__")
            many.append((relation, follow))
    prefetches = []
    for name, follow in many:
        related = model._meta.get_field(name).related_model
        rows = related._default_manager.select_related(follow) if follow else None
        prefetches.append(Prefetch(name, queryset=rows, to_attr=f"_search_{name}"))
    prefetch_related_objects(group, *single, *prefetches)
    for name, _follow in many:
        related = model._meta.get_field(name).related_model
        for page in group:
            rows = page.__dict__.pop(f"_search_{name}")
            cached = QuerySet(related)
            cached.query.set_empty()
            cached._result_cache = rows
            cached._prefetch_done = True
            if not hasattr(page, "_prefetched_objects_cache"):
                page._prefetched_objects_cache = {}
            page._prefetched_objects_cache[name] = cached


def document_for(page) -> dict | None:
    """The document for a page, or None when the page must not be in the index."""
    ((_page, document, error),) = build_documents([page])
    if error is not None:
        raise error
    return document


def _document(page, seen_by: str, context: BuildContext) -> dict:
    if not hasattr(page, "_wagtail_cached_site_root_paths"):
        page._wagtail_cached_site_root_paths = context.site_root_paths  # what Page.url reads
    payload = page.search_payload()
    reserved_materials = bool(getattr(page, "members_only_materials", False))
    return {
        "page_id": payload["id"],
        "content_type": payload["content_type"],
        "title": payload["title"],
        "summary": payload.get("summary") or "",
        "body": payload.get("body") or "",
        "attachments": "" if reserved_materials else attachments_text(payload.get("attachments") or []),
        "zones": payload.get("zones") or [],
        "topics": payload.get("topics") or [],
        "tags": payload.get("tags") or [],
        "date": payload.get("date"),
        "year": payload.get("year"),
        **(payload.get("facets") or {}),  # the page type's declared facets (search.engine.mapping)
        "upcoming": payload.get("upcoming"),
        "act_ids": list(payload.get("act_ids") or []),
        "related_act_ids": list(payload.get("related_act_ids") or []),
        "restricted": seen_by == MEMBERS,
        "url": payload.get("url") or "",
        "first_published_at": payload.get("first_published_at"),
        "last_published_at": payload.get("last_published_at"),
        "indexed_at": timezone.now(),
    }


def specific_pages(page_ids) -> dict[int, Page]:
    """page id -> specific page, for the ids that still exist."""
    return {p.pk: p for p in Page.objects.filter(pk__in=list(page_ids)).specific()}
