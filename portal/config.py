"""Reading the environment into settings values.

Every variable is parsed here so that a wrong value stops start-up with one
line naming the variable (``ConfigError``), instead of a traceback deep inside
Django or a client library.
"""
from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit


DEFAULT_PORTS = {"http": 80, "https": 443}


class ConfigError(Exception):
    """A configuration variable is missing or malformed; the message names it."""


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}: expected true/false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name}: expected an integer, got {value!r}") from None


def env_settings(defaults: dict) -> dict:
    """name -> the environment variable of that name, read like its default's type (bool, int or
    string), or the default when it is unset: the settings of an app that lists its own defaults."""
    values = {}
    for name, default in defaults.items():
        if isinstance(default, bool):
            values[name] = env_bool(name, default)
        elif isinstance(default, int):
            values[name] = env_int(name, default)
        else:
            values[name] = env_str(name, default)
    return values


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_env(name: str, default_sqlite_path) -> dict:
    """DATABASE_URL through dj-database-url, with health-checked persistent connections."""
    import dj_database_url

    url = env_str(name)
    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": {"timeout": 20},
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # the library raises several kinds for bad input
        raise ConfigError(f"{name}: cannot parse database URL ({exc})") from None
    if not config.get("ENGINE"):
        raise ConfigError(f"{name}: unsupported database URL scheme in {url!r}")
    if "postgresql" in config["ENGINE"]:
        # Fail fast rather than hanging when the server is away (see the 503 handler).
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


def urls_from_env(name: str, schemes: set[str]) -> list[str]:
    """A comma-separated list of absolute URLs (e.g. several Elasticsearch nodes)."""
    value = env_str(name)
    if value is None:
        return []
    urls = [item.strip() for item in value.split(",") if item.strip()]
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in schemes or not parts.hostname:
            raise ConfigError(
                f"{name}: {url!r} is not a URL (expected {'/'.join(sorted(schemes))}://host:port)"
            )
        try:
            parts.port  # noqa: B018 - validates the port
        except ValueError:
            raise ConfigError(f"{name}: {url!r} has an invalid port") from None
    return urls


def email_from_env(name: str, file_path) -> dict:
    """EMAIL_URL: smtp://user:pass@host:port (?tls=1 / smtps:// for SSL); unset: files."""
    url = env_str(name)
    if url is None:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(file_path),
        }
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "console"} or (parts.scheme != "console" and not parts.hostname):
        raise ConfigError(f"{name}: {url!r} is not smtp://host:port, smtps://host:port or console://")
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    query = parse_qs(parts.query)
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ConfigError(f"{name}: {url!r} has an invalid port") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        "EMAIL_TIMEOUT": 30,
    }


def origin_from_env(name: str, value: str) -> str:
    """Validate the public origin: http(s)://host[:port], no path; a port Wagtail's Site can say.

    Wagtail's ``Site.root_url`` derives the scheme from the port (443 is https, any
    other port is http), so https is served on 443: another port would give pages
    http:// links while the rest says https://.
    """
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ConfigError(f"{name}: {value!r} is not an origin like https://inclusione.example.it")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{name}: {value!r} has an invalid port") from None
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ConfigError(f"{name}: {value!r} must be only scheme://host[:port], with no path")
    if parts.scheme == "https" and port not in (None, 443):
        raise ConfigError(f"{name}: {value!r}: https must be on port 443 (Wagtail's site record cannot say otherwise)")
    if parts.scheme == "http" and port == 443:
        raise ConfigError(f"{name}: {value!r}: port 443 is https")
    return value


def elasticsearch_credentials_from_env() -> dict:
    """How the portal proves itself to a secured Elasticsearch, and how it trusts its certificate.

    ``ELASTICSEARCH_API_KEY`` (the ``encoded`` value the create-API-key call returns) or
    ``ELASTICSEARCH_USERNAME`` + ``ELASTICSEARCH_PASSWORD``, never both; for https nodes
    whose certificate is not signed by a public CA, ``ELASTICSEARCH_CA_CERTS`` (a PEM file)
    or ``ELASTICSEARCH_SSL_FINGERPRINT`` (SHA-256 of the node's certificate). Returned as
    settings values; ``search.engine.client.client_options`` turns them into client options.
    """
    import re

    api_key = env_str("ELASTICSEARCH_API_KEY")
    username = env_str("ELASTICSEARCH_USERNAME")
    password = os.environ.get("ELASTICSEARCH_PASSWORD") or None  # a password may begin or end with spaces
    ca_certs = env_str("ELASTICSEARCH_CA_CERTS")
    fingerprint = env_str("ELASTICSEARCH_SSL_FINGERPRINT")
    if api_key and (username or password):
        raise ConfigError("ELASTICSEARCH_API_KEY: set either it or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD, not both")
    if bool(username) != bool(password):
        missing = "ELASTICSEARCH_PASSWORD" if username else "ELASTICSEARCH_USERNAME"
        raise ConfigError(f"{missing}: ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD go together")
    if ca_certs is not None:
        if not os.path.isfile(ca_certs) or not os.access(ca_certs, os.R_OK):
            raise ConfigError(f"ELASTICSEARCH_CA_CERTS: {ca_certs!r} is not a readable file (PEM of the CA)")
        if fingerprint:
            raise ConfigError("ELASTICSEARCH_SSL_FINGERPRINT: set either it or ELASTICSEARCH_CA_CERTS, not both")
    if fingerprint is not None:
        digits = fingerprint.replace(":", "").lower()
        if not re.fullmatch(r"[0-9a-f]{64}", digits):
            raise ConfigError("ELASTICSEARCH_SSL_FINGERPRINT: expected the SHA-256 of the node's certificate "
                              "(64 hex digits, colons allowed)")
        fingerprint = digits
    return {
        "ELASTICSEARCH_API_KEY": api_key,
        "ELASTICSEARCH_USERNAME": username,
        "ELASTICSEARCH_PASSWORD": password,
        "ELASTICSEARCH_CA_CERTS": ca_certs,
        "ELASTICSEARCH_SSL_FINGERPRINT": fingerprint,
    }


def replicas_from_env(name: str) -> int | None:
    """Copies of each shard beyond the primary; unset: None (one copy more as soon as a second node exists)."""
    value = env_str(name)
    if value is None:
        return None
    try:
        replicas = int(value)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number of replicas (0, 1, 2), got {value!r}") from None
    if replicas < 0:
        raise ConfigError(f"{name}: expected 0 or more, got {replicas}")
    return replicas
