"""The benchmark's own database, index prefix and production-like settings, then Django.

The services come from the environment (``python -m tests.harness run`` exports them):
a database named ``bench`` is created on the same PostgreSQL server, indices live under
the ``bench`` prefix, and settings are the production ones (DEBUG off, compiled
templates, manifest static files) so that the numbers are the ones production would see.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
# Where report.* and profiles/ go (a partial run during development writes elsewhere, not over the report).
OUTPUT_DIR = Path(os.environ.get("BENCH_OUTPUT") or BENCH_DIR)
VAR_DIR = Path(os.environ.get("BENCH_VAR") or ROOT / "var" / "bench")
SECRET = "bench-only-secret-key-0f3a9c7e5b1d2f4a6c8e0b2d4f6a8c0e2b4d6f8a"
DEFAULT_SIZES = (1_000, 10_000, 100_000)


class BenchSetupError(RuntimeError):
    """A service is missing or cannot be prepared; the message says which."""


@dataclass
class BenchConfig:
    sizes: list[int]
    database_url: str  # the benchmark's own database
    server_url: str  # the server's maintenance database (for CREATE/DROP DATABASE)
    database_name: str
    elasticsearch_url: str
    index_prefix: str
    broker_url: str
    cache_url: str | None
    keep_data: bool
    load_seconds: int
    load_clients: int
    figures: set[str] | None = None  # None: all (BENCH_FIGURES narrows it while developing)
    extra: dict = field(default_factory=dict)

    def wants(self, figure: str) -> bool:
        return self.figures is None or figure in self.figures

    @property
    def peer_prefix(self) -> str:
        return f"{self.index_prefix}-wagtail-"


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise BenchSetupError(
            f"{name} is not set: run `make bench` (it starts the services with the test harness) "
            f"or export the services' URLs"
        )
    return value


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_SIZES", "").strip()
    if not raw:
        return list(DEFAULT_SIZES)
    try:
        sizes = sorted({int(s.strip().replace("_", "")) for s in raw.split(",") if s.strip()})
    except ValueError:
        raise BenchSetupError(f"BENCH_SIZES: expected numbers separated by commas, got {raw!r}") from None
    if not sizes or sizes[0] < 100:
        raise BenchSetupError(f"BENCH_SIZES: sizes must be >= 100, got {raw!r}")
    return sizes


def read_config() -> BenchConfig:
    server = _required("DATABASE_URL")
    if not server.startswith(("postgres://", "postgresql://")):
        raise BenchSetupError("DATABASE_URL: the benchmarks need PostgreSQL (the delivery claims use SKIP LOCKED)")
    name = os.environ.get("BENCH_DATABASE", "bench")
    return BenchConfig(
        sizes=_sizes(),
        database_url=_with_database(server, name),
        server_url=_with_database(server, "postgres"),
        database_name=name,
        elasticsearch_url=_required("ELASTICSEARCH_URL"),  # every node: the client retries the others
        index_prefix=os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "").strip() or "bench",
        broker_url=_required("CELERY_BROKER_URL"),
        cache_url=os.environ.get("CACHE_URL") or None,
        keep_data=os.environ.get("BENCH_KEEP_DATA", "").lower() in {"1", "true", "yes"},
        load_seconds=int(os.environ.get("BENCH_LOAD_SECONDS", "60")),
        load_clients=int(os.environ.get("BENCH_LOAD_CLIENTS", "50")),
        figures={f.strip() for f in os.environ["BENCH_FIGURES"].split(",") if f.strip()}
        if os.environ.get("BENCH_FIGURES", "").strip() else None,
    )


def prepare_database(config: BenchConfig) -> bool:
    """Create the benchmark database (dropping an old one unless BENCH_KEEP_DATA); True if created."""
    import psycopg

    with psycopg.connect(config.server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config.database_name]).fetchone()
        if exists and config.keep_data:
            return False
        if exists:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [config.database_name],
            )
            conn.execute(f'DROP DATABASE "{config.database_name}"')
        conn.execute(f'CREATE DATABASE "{config.database_name}"')
    return True


ELASTICSEARCH_SECURITY = ("ELASTICSEARCH_API_KEY", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD",
                          "ELASTICSEARCH_CA_CERTS", "ELASTICSEARCH_SSL_FINGERPRINT")


def production_environment(config: BenchConfig) -> dict[str, str]:
    """Variables shared by this process, the Celery worker and gunicorn."""
    env = {
        "DATABASE_URL": config.database_url,
        "ELASTICSEARCH_URL": config.elasticsearch_url,
        "ELASTICSEARCH_INDEX_PREFIX": config.index_prefix,
        "ELASTICSEARCH_TIMEOUT": "30",
        "CELERY_BROKER_URL": config.broker_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PORTAL_VAR_DIR": str(VAR_DIR),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if config.cache_url:
        env["CACHE_URL"] = config.cache_url
    # A secured cluster: the same credentials and CA for gunicorn and the worker (portal/config.py).
    for name in ELASTICSEARCH_SECURITY:
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def setup_django(config: BenchConfig) -> None:
    """Export the production-like environment and start Django with the bench settings."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.update(production_environment(config))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate_and_collect(log) -> None:
    from django.conf import settings
    from django.core.management import call_command

    log("migrating the benchmark database ...")
    call_command("migrate", "--no-input", verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        log("collecting static files (once; manifest storage needs them with DEBUG off) ...")
        call_command("collectstatic", "--no-input", verbosity=0)


def drop_indices(prefix: str) -> list[str]:
    """Delete every index under the benchmark prefix (by name: wildcard deletes are refused)."""
    from elasticsearch import NotFoundError

    from search.engine.client import get_client

    client = get_client()
    try:
        names = sorted(client.indices.get(index=f"{prefix}-*", expand_wildcards="all").keys())
    except NotFoundError:
        names = []
    for name in names:
        client.indices.delete(index=name)
    return names


def purge_broker() -> int:
    """Tasks left in the broker by an interrupted run would target another database."""
    from portal.celery import app

    return app.control.purge() or 0
