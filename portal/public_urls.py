"""The public address of the portal: one source (PUBLIC_BASE_URL) for every absolute URL.

Why one place: mails, feeds, calendars, the sitemap, the API and the exports leave the
site, so their links cannot come from the request's host (a worker has no request, a
proxy may rewrite it) nor from the Wagtail Site record's defaults (``localhost:80``,
written by Wagtail's first migration). Pages' own full URLs (``page.full_url``, used by
the canonical link, og:url, the sitemap, the API and the exports) are Wagtail's
``Site.root_url``: ``sync_default_site`` makes the default Site say what PUBLIC_BASE_URL
says, after every ``migrate`` (post_migrate), and ``check --database default`` names a
Site that drifted from it since (e.g. PUBLIC_BASE_URL changed without a migrate).
Everything else is built by ``absolute_url(path)``.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from portal.config import DEFAULT_PORTS


def base_url() -> str:
    """The public origin, without a trailing slash (e.g. ``https://inclusione.example.it``)."""
    return settings.PUBLIC_BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """An absolute URL on the public site for a root-relative path (absolute URLs pass through)."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + (path if path.startswith("/") else "/" + path)


def page_url(page) -> str:
    """A page's absolute public URL: its path under the site root, on PUBLIC_BASE_URL."""
    parts = page.get_url_parts()
    if not parts:
        return base_url() + "/"
    return absolute_url(parts[2])


def rebase(url: str) -> str:
    """The same path, query and fragment on the public origin (for URLs a library built from a request)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return absolute_url(path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else ""))


def host() -> str:
    """The public host name (for identifiers such as iCalendar UIDs and Message-IDs)."""
    return urlsplit(base_url()).hostname or "localhost"


def site_address() -> tuple[str, int]:
    """(hostname, port) of the default Wagtail Site for PUBLIC_BASE_URL."""
    parts = urlsplit(base_url())
    return parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme]


def sync_default_site(**kwargs) -> bool:
    """Give the default Wagtail Site the host and port of PUBLIC_BASE_URL; True if it changed.

    Connected to post_migrate: every deploy runs ``migrate``, so the record follows the
    variable. Saving the Site clears Wagtail's cache of site root paths.
    """
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return False
    hostname, port = site_address()
    if (site.hostname, site.port) == (hostname, port):
        return False
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    return True


@checks.register(checks.Tags.database)
def check_default_site(app_configs=None, databases=None, **kwargs):
    """Warn when the default Site no longer matches PUBLIC_BASE_URL (pages would link elsewhere).

    A database check (``manage.py check --database default``): plain ``check`` stays offline.
    """
    from django.db import DatabaseError

    if not databases:
        return []

    try:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
    except DatabaseError:  # no tables yet: migrate will create and sync the record
        return []
    if site is None or site.root_url == base_url():
        return []
    return [checks.Warning(
        f"The default Wagtail Site says {site.root_url}, PUBLIC_BASE_URL says {base_url()}.",
        hint="Run `manage.py migrate`: it sets the site's host and port from PUBLIC_BASE_URL.",
        id="portal.W001",
    )]
