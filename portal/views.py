"""Site-wide views: health probes, robots.txt and the error pages."""
import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from portal import public_urls

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """Liveness: the process answers. Touches no dependency on purpose."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_elasticsearch() -> str:
    """ok, disabled, down, or unauthorized / forbidden / tls_error: a wrong key or CA says so here."""
    if not settings.ELASTICSEARCH_URLS:
        return "disabled"
    from search.engine.client import elasticsearch_state

    return elasticsearch_state()


def _check_cache() -> str:
    from portal.cache import cache_state

    return cache_state()


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "disabled"
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
def readyz(request):
    """Readiness: each dependency by name. Only the database is required to serve.

    Elasticsearch, the cache and the broker being down degrade the site (database search,
    pages served uncached, work kept in the outbox) but do not make it unready.
    """
    checks = {}
    for name, check in (("database", _check_database), ("elasticsearch", _check_elasticsearch),
                        ("cache", _check_cache), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # a probe must answer, whatever the failure
            logger.warning("readiness check %s failed: %s", name, exc)
            checks[name] = "down"
    ready = checks["database"] == "ok"
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /account/",
        "Disallow: /cerca/",
        f"Sitemap: {public_urls.absolute_url('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def server_error(request, *args, **kwargs):
    """500 handler: a lost database becomes a clean 503 that asks to retry.

    A connection-level error (OperationalError, InterfaceError: refused, "the database
    system is starting up", terminated) is an outage even if the server is back by the
    time we look again; other database errors count as an outage only if it is still down.
    """
    exc = sys.exc_info()[1]
    if is_outage(exc):
        body = loader.render_to_string("503.html", {"request": request})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html", {"request": request}), status=500)


# What SQLite says when the database itself is unusable; its other OperationalErrors are about
# the query it was given (an FTS5 syntax error, "unterminated string"), which is no outage.
SQLITE_OUTAGES = ("database is locked", "unable to open", "disk i/o error", "disk is full", "readonly database",
                  "malformed")


def is_outage(exc) -> bool:
    """Is this error the database being unavailable (503, retry) rather than a request it refused (500)?

    PostgreSQL raises OperationalError/InterfaceError only for connection-level trouble; SQLite
    raises OperationalError for both, so there its message decides.
    """
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        if connection.vendor != "sqlite" or any(text in str(exc).lower() for text in SQLITE_OUTAGES):
            return True
    return isinstance(exc, DatabaseError) and _database_is_down()


def _database_is_down() -> bool:
    try:
        connection.close()
        _check_database()
        return False
    except Exception:
        return True
