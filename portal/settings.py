"""Settings of the portal: one module, every value from the environment.

With no environment at all this is a working development setup (SQLite under
var/, database search, tasks run in-process, mail written to var/mail/).
Production is the same module with the variables of the README set.
"""
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from newsletter import conf as newsletter_conf
from portal.config import (
    ConfigError,
    database_from_env,
    elasticsearch_credentials_from_env,
    email_from_env,
    env_bool,
    env_int,
    env_list,
    env_settings,
    env_str,
    origin_from_env,
    replicas_from_env,
    urls_from_env,
)
from portal.logs import build_logging, init_error_reporting

BASE_DIR = Path(__file__).resolve().parent.parent
# In a checkout var/ sits beside manage.py; an installed package (site-packages) uses the working directory's.
_DEFAULT_VAR = BASE_DIR / "var" if (BASE_DIR / "manage.py").exists() else Path.cwd() / "var"
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(_DEFAULT_VAR)))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite, mail and media live here by default

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ConfigError("SECRET_KEY: required when DEBUG is false (production)")
    SECRET_KEY = _DEV_SECRET
# Previous keys, still accepted when checking signatures (newsletter links already mailed) after a rotation.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The one source of every absolute URL (portal/public_urls.py); it also sets the default Wagtail Site on migrate.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL")
if PUBLIC_BASE_URL is None:
    if not DEBUG:
        raise ConfigError("PUBLIC_BASE_URL: required when DEBUG is false (the public origin, e.g. https://inclusione.example.it)")
    PUBLIC_BASE_URL = "http://127.0.0.1:8000"
PUBLIC_BASE_URL = origin_from_env("PUBLIC_BASE_URL", PUBLIC_BASE_URL)

INSTALLED_APPS = [
    # the portal's own concerns
    "portal",
    "portal.accounts",
    "portal.feedback",
    "cms",
    "search",
    "newsletter",
    "alerts",
    "relay",
    "adoptions",
    "questions",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.accounts.wagtail_users.PortalUsersAppConfig",  # wagtail.users with profile fields
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtailautocomplete",  # type-ahead pickers of the page forms (cms/admin_autocomplete.py)
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # background work
    "django_celery_beat",
    # Bootstrap Italia static files and templates
    "bootstrap_italia_template",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "portal.logs.RequestIdMiddleware",  # first: every log line of the request carries its id
    "portal.probes.HealthProbeMiddleware",  # before the HTTPS redirect and the host check (load balancers)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- data -----------------------------------------------------------------
DATABASES = {"default": database_from_env("DATABASE_URL", VAR_DIR / "db.sqlite3")}
if env_str("DATABASE_TEST_NAME"):  # parallel test runs on one server
    DATABASES["default"]["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = urls_from_env("CACHE_URL", {"redis", "rediss"})
if _cache_url:
    # An accelerator, not a dependency: with Redis away the site serves uncached (portal/cache.py).
    CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": _cache_url[0]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database, never only in the cache: a Redis outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Public pages as anonymous visitors see them, shared by all processes (portal/pagecache.py):
# on by default with a shared cache, off with the per-process one; 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if _cache_url else 0)

# --- search -----------------------------------------------------------------
# Unset: the public search runs on the database. The Wagtail admin always keeps
# Wagtail's own database search, so content is not indexed twice.
ELASTICSEARCH_URLS = urls_from_env("ELASTICSEARCH_URL", {"http", "https"})
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "cdp")
ELASTICSEARCH_TIMEOUT = env_int("ELASTICSEARCH_TIMEOUT", 5)
# A secured cluster: ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/_PASSWORD, and for a
# private CA ELASTICSEARCH_CA_CERTS or ELASTICSEARCH_SSL_FINGERPRINT (search/engine/client.py).
globals().update(elasticsearch_credentials_from_env())
# Shards and replicas of the content index (README, "Elasticsearch: shards and replicas");
# replicas unset: 0 on one node, 1 as soon as a second node can hold it.
ELASTICSEARCH_SHARDS = env_int("ELASTICSEARCH_SHARDS", 1)
if ELASTICSEARCH_SHARDS < 1:
    raise ConfigError(f"ELASTICSEARCH_SHARDS: expected 1 or more, got {ELASTICSEARCH_SHARDS}")
ELASTICSEARCH_REPLICAS = replicas_from_env("ELASTICSEARCH_REPLICAS")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Italian stems with accents folded (created by search/migrations/0003).
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "cdp_italian"

# --- background work ---------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL is not None:
    urls_from_env("CELERY_BROKER_URL", {"redis", "rediss", "amqp", "amqps"})
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Europe/Rome"

# --- mail -------------------------------------------------------------------
globals().update(email_from_env("EMAIL_URL", VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Comunità di Pratica Inclusione Toscana <noreply@cdp-inclusione.toscana.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- language and time ----------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
# The checkout's catalogs; an installed package carries them as portal/locale (an app's own, found by Django).
LOCALE_PATHS = [path for path in [BASE_DIR / "locale"] if path.is_dir()]
TIME_ZONE = "Europe/Rome"
FORMAT_MODULE_PATH = ["portal.formats"]  # one way of writing dates (portal/formats/it)
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("it", "Italiano")]

# --- static and media --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STATICFILES_DIRS: list = []  # every asset lives in an app's static/ (shipped with the package)
MEDIA_URL = "/media/"
# Several web hosts share one MEDIA_ROOT (a mounted volume); one host keeps it in its var/ dir.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # collectstatic writes a gzip copy beside each file in both modes, so `make run` (collectstatic, then
        # WhiteNoise with STATIC_FROM_SOURCES=false) sends compressed files as production does; DEBUG keeps
        # the plain names, production adds content hashes (cached for ever).
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# DEBUG serves the apps' static sources as they are edited (uncompressed); false: the collected, compressed copies.
WHITENOISE_USE_FINDERS = env_bool("STATIC_FROM_SOURCES", DEBUG)
DJANGO_BOOTSTRAP_ITALIA_USE_CDN = False

# --- Wagtail ---------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Comunità di Pratica per l'inclusione sociale in Toscana"
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "csv", "txt", "rtf"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.uploads.SniffedDocumentForm"  # content sniffing of uploads
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_FRONTEND_LOGIN_URL = "/account/login/"
WAGTAILAPI_BASE_URL = PUBLIC_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no editor's e-mail hash goes to gravatar.com
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- accounts (django-allauth) ---------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/account/login/"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "portal.accounts.adapter.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CdP Inclusione] "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_CHANGE_EMAIL = True
# Proxies in front of the web workers that append to X-Forwarded-For (portal/clientip.py); allauth reads the same count.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ConfigError(f"TRUSTED_PROXY_COUNT: expected 0 or more proxies, got {TRUSTED_PROXY_COUNT}")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# "key" counts one account from one address (portal/accounts/adapter.py): a stranger's guesses lock
# the stranger out of that account, never the member; "ip" bounds one address across accounts.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "5/5m/key,20/5m/ip"),
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {}
_oidc_url = env_str("OIDC_SERVER_URL")
if _oidc_url:
    urls_from_env("OIDC_SERVER_URL", {"http", "https"})
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "sso"),
                "name": env_str("OIDC_PROVIDER_NAME", "Single sign-on"),
                "client_id": env_str("OIDC_CLIENT_ID", ""),
                "secret": env_str("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": _oidc_url},
            }
        ]
    }

# --- newsletter -----------------------------------------------------------------------
# Every NEWSLETTER_* setting is listed once, with its default and meaning, in newsletter/conf.py;
# each takes the environment variable of the same name when it is set.
globals().update(env_settings(newsletter_conf.DEFAULTS))
# The editors' address in the footer, the accessibility feedback and the legal pages.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", globals()["NEWSLETTER_REPLY_TO"])

# --- security ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's live preview frames the site itself
SILENCED_SYSTEM_CHECKS = ["security.W019"]  # ...hence not DENY; other origins stay refused
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Health probes answer load balancers over plain HTTP (portal/probes.py answers them before the redirect).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- logs and error reporting ------------------------------------------------------------
# Same lines in web, worker and beat (portal/logs.py): UTC times, request ids, ES outages summarised.
LOGGING = build_logging(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "plain"))
SENTRY_DSN = env_str("SENTRY_DSN")  # unset: no error reporting
init_error_reporting(SENTRY_DSN, env_str("SENTRY_ENVIRONMENT", "production" if not DEBUG else "development"))
