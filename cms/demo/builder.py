"""Idempotent creation of pages: a page is identified by its parent and slug."""
from __future__ import annotations

from datetime import date, datetime, time

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from cms.models import HomePage, Topic, Zona


def home_page() -> HomePage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    return HomePage.objects.first()


def aware(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def zones(*slugs: str) -> list[Zona]:
    found = {z.slug: z for z in Zona.objects.filter(slug__in=slugs)}
    return [found[s] for s in slugs if s in found]


def topics(*slugs: str) -> list[Topic]:
    found = {t.slug: t for t in Topic.objects.filter(slug__in=slugs)}
    return [found[s] for s in slugs if s in found]


def document(title: str, filename: str, text: str):
    """A text document in the library, created once (by title)."""
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    doc = Document(title=title)
    doc.file.save(filename, ContentFile(text.encode("utf-8")), save=False)
    doc.save()
    return doc


def ensure_page(parent: Page, model, slug: str, *, m2m=None, children=None, tags=(), published_at=None,
                publish=True, **fields):
    """The child of ``parent`` with this slug, created (validated and published) when missing.

    Returns (page, created). Existing pages are left as editors changed them.
    """
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    return add_page(parent, page, m2m=m2m, children=children, tags=tags, published_at=published_at,
                    publish=publish), True


def add_page(parent: Page, page, *, m2m=None, children=None, tags=(), published_at=None, publish=True):
    """Add an unsaved ``page`` under ``parent`` with its many-to-many values, child rows and tags, as
    a first revision, published unless told otherwise (the tests' builders add pages this way too)."""
    for name, values in (m2m or {}).items():
        getattr(page, name).set(values)
    for name, items in (children or {}).items():
        setattr(page, name, items)
    for tag in tags:
        page.tags.add(tag)
    if published_at is not None:
        page.first_published_at = published_at
    if not publish:
        page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page
