"""Settings shared by every environment. Everything that differs between machines comes from the
environment (see `.env.example`); the per-environment modules only change defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.client_ip import parse_networks

# Lets runtime code subscript generic Django classes (QuerySet[Model], forms) as the stubs do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_required(name: str) -> str:
    """A variable that must be set and not empty (production's backing services and secrets)."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


# Every lock wait of the application's PostgreSQL sessions is bounded (row locks, advisory locks,
# a migration's table lock): the session's default lock_timeout, sent once in the connection's
# start-up packet, so no transaction spends a statement on it (issue 16). 0 = no limit
# (PostgreSQL's default), e.g. for a migration that must queue behind long transactions.
DATABASE_LOCK_TIMEOUT_MS = env_int("DATABASE_LOCK_TIMEOUT_MS", 2000)


def database_from_url(url: str) -> dict[str, Any]:
    """One database configuration from a URL, with the options each engine needs here."""
    if url.startswith("sqlite"):
        config: dict[str, Any] = dict(dj_database_url.parse(url))
        # IMMEDIATE takes the write lock when a transaction starts, so two writers never
        # deadlock on a lock upgrade: SQLite's serialised transactions are our guard there.
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
        return config
    config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"].endswith("postgresql"):
        # core.locking.locked_transaction relies on it (and sets it itself where it is absent).
        options["options"] = f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
    return config


SECRET_KEY = env_str("SECRET_KEY", "insecure-local-only-key-change-me-5b0d2f1e9c7a4e3b8d6f")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The reverse proxies (addresses or networks) whose X-Forwarded-For is believed (core.client_ip).
# None by default: without a proxy in front, a client could write any address in that header.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as _exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_exc}.") from None
if os.environ.get("NUM_PROXIES", "0") not in {"", "0"}:
    # Counting hops trusted whatever a direct client wrote; a silent switch would instead put
    # every client behind nginx in one throttle bucket.
    raise ImproperlyConfigured(
        "NUM_PROXIES is no longer read: list your proxies in TRUSTED_PROXIES (e.g. 127.0.0.1)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "corsheaders",
    "core",
    "accounts",
    "vehicles",
    "pricing",
    "scheduling",
    "bookings",
    "config",  # the composition root: demo data (seed_demo) may use every app
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    # Before anything that answers: the envelope's errors and the preflight carry the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "core.middleware.ApiErrorEnvelopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ApiRequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then the admin's second step (accounts.admin_2fa).
    "django_otp.middleware.OTPMiddleware",
    "accounts.admin_2fa.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL means unset, as for REDIS_URL (production requires both).
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Use cases own their transactions (ARCHITECTURE.md, house rule 1).
for _db in DATABASES.values():
    _db["ATOMIC_REQUESTS"] = False


def redis_cache(url: str) -> dict[str, Any]:
    """The shared cache (throttle counters, the catalogue listing) on Redis."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "carservice"),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "carservice",
        }
    }

AUTH_USER_MODEL = "accounts.User"
# Staff sign-in (SPEC §2, docs/rules/security.md): failures within the lockout time that lock an
# account (admin or API) or an address (admin), for that long; staff sessions end after so many
# hours from sign-in, whatever the activity.
STAFF_LOGIN_FAILURES_PER_ACCOUNT = int(env_str("STAFF_LOGIN_FAILURES_PER_ACCOUNT", "5"))
STAFF_LOGIN_FAILURES_PER_ADDRESS = int(env_str("STAFF_LOGIN_FAILURES_PER_ADDRESS", "20"))
STAFF_LOGIN_LOCKOUT_MINUTES = int(env_str("STAFF_LOGIN_LOCKOUT_MINUTES", "15"))
STAFF_SESSION_HOURS = int(env_str("STAFF_SESSION_HOURS", "8"))
# How long the `device` token of a successful API login exempts that device from the
# per-e-mail login limit (docs/rules/accounts.md, "Throttling"); each login renews it.
LOGIN_DEVICE_DAYS = int(env_str("LOGIN_DEVICE_DAYS", "90"))
# Password reset (docs/rules/accounts.md, "Password reset"): how long a reset link works (Django's
# own setting, also read by the admin's reset pages), and the client app's page the e-mailed link
# opens, with `?token=...` appended.
PASSWORD_RESET_TIMEOUT = int(env_str("PASSWORD_RESET_TIMEOUT_SECONDS", "3600"))
PASSWORD_RESET_URL = env_str("PASSWORD_RESET_URL", "http://localhost:8000/reset-password")
# E-mail verification (docs/rules/accounts.md): the client app's page the link opens (with
# `?token=...`), how long the link works, and whether a customer must have verified their
# address to book (default: no, so that client apps made before verification keep working).
EMAIL_VERIFICATION_URL = env_str("EMAIL_VERIFICATION_URL", "http://localhost:8000/verify-email")
EMAIL_VERIFICATION_TIMEOUT = int(env_str("EMAIL_VERIFICATION_TIMEOUT_SECONDS", str(3 * 86400)))
BOOKING_REQUIRES_VERIFIED_EMAIL = env_bool("BOOKING_REQUIRES_VERIFIED_EMAIL", False)
# Two-factor sign-in to the admin (docs/rules/security.md, docs/adr/0013-django-otp-staff-2fa.md):
# when true, a staff account without a confirmed authenticator app is sent to enrol one, and
# every staff session proves a code (or a recovery code) before any admin page. An account that
# enrolled is asked for a code whatever this says. On by default in production only.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Car service")
# django-otp's device admin (an administrator deletes a lost app there): keys never shown.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How many single-use recovery codes an enrolment hands out.
ADMIN_2FA_RECOVERY_CODES = 10
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The largest request body, in bytes, the same as nginx's client_max_body_size (deploy/nginx.conf):
# beyond it the API answers 413 in the envelope (docs/rules/api.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The longest /api/ URL (path and query), in characters: beyond it 414 in the envelope.
API_MAX_URL_LENGTH = 4096

STATIC_URL = "static/"

# Browser origins allowed to call the API (django-cors-headers), e.g.
# "https://book.example.com,https://app.example.com": none by default, only under /api/. No
# cookies cross origins (the API takes a bearer token), so credentials are never allowed.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-request-id",
)
# What a browser script may read from an answer: the retry hint of a 429/503, the request id
# to quote to support, whether an Idempotency-Key answer is a replay, the answer's language.
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID", "Idempotent-Replayed", "Content-Language"]
CORS_PREFLIGHT_MAX_AGE = 3600

# Content-Security-Policy on every answer (core.middleware.ContentSecurityPolicyMiddleware): the
# admin and the API's Swagger page load only their own scripts (no inline script, no handler
# attribute, no eval); inline style attributes stay allowed (the planning board and the dashboard
# place their bars and blocks with them; a style cannot run code). Empty: no header.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
# True: the browser reports violations (console) without blocking, to try a new policy.
CONTENT_SECURITY_POLICY_REPORT_ONLY = env_bool("CONTENT_SECURITY_POLICY_REPORT_ONLY", False)
# /metrics (core.metrics): answered to a direct peer in these networks, or to a client sending
# "Authorization: Bearer <METRICS_TOKEN>"; 404 to anyone else. nginx never serves it.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
try:
    METRICS_ALLOWED_NETWORKS = parse_networks(env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.1,::1"))
except ValueError as _exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_exc}.") from None

# Where collectstatic puts the files nginx serves (deploy/nginx.conf's /static/ alias).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Car service <no-reply@localhost>")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds each SMTP operation may wait: a mail server that accepts and never answers must not
# hold a worker (or, on a first run without a broker, a request) for long; the attempt then
# fails and is retried (core.emails).
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "10"))
if EMAIL_TIMEOUT <= 0:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be a positive number of seconds.")
# E-mail retries (core.emails): exponential from the base, capped, with jitter; given up (state
# "failed", "send again" in the admin) after so many attempts (about a day with these values).
EMAIL_RETRY_BASE_SECONDS = float(env_str("EMAIL_RETRY_BASE_SECONDS", "10"))
EMAIL_RETRY_MAX_SECONDS = float(env_str("EMAIL_RETRY_MAX_SECONDS", "900"))
EMAIL_MAX_ATTEMPTS = int(env_str("EMAIL_MAX_ATTEMPTS", "100"))
# A worker that claimed an e-mail or a webhook delivery and died (killed, out of memory): another
# may take the row after this lease. Longer than a task's hard time limit (config/celery.py: 90 s),
# so a live worker's attempt is never taken over.
DELIVERY_LEASE_SECONDS = float(env_str("DELIVERY_LEASE_SECONDS", "120"))
if DELIVERY_LEASE_SECONDS <= 0:
    raise ImproperlyConfigured("DELIVERY_LEASE_SECONDS must be a positive number of seconds.")

# Side effects (ARCHITECTURE.md house rule 5, docs/rules/events.md, docs/adr/0008): domain events
# in an outbox table, handed to Celery workers after the commit, Redis as the broker. Without a
# broker (a first run, the tests) every task runs in-process right after the commit that handed
# it (Celery's eager mode), so nothing else needs to run.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", not (os.environ.get("CELERY_BROKER_URL") or REDIS_URL)
)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "carservice")
CELERY_TIMEZONE = "UTC"
# Worker processes (default: one per core) and beat's schedule file (deploy/stack.py, compose).
CELERY_WORKER_CONCURRENCY = int(env_str("CELERY_WORKER_CONCURRENCY", "0")) or None
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", "celerybeat-schedule")
# An event not dispatched this long after it occurred, or an e-mail or webhook delivery this
# long past its due time, is handed again by the sweeper (a process died after the commit, the
# broker lost a message).
OUTBOX_SWEEP_AFTER_SECONDS = int(env_str("OUTBOX_SWEEP_AFTER_SECONDS", "30"))
# Delivered events (and their e-mail and webhook records) are kept this long.
OUTBOX_RETENTION_DAYS = int(env_str("OUTBOX_RETENTION_DAYS", "30"))

# Webhooks (core.webhooks, docs/rules/events.md). Outbound requests refuse private, loopback and
# link-local addresses (checked on the address the name resolves to, at delivery time) unless
# this is true: only for a test bench or an integration inside the same private network.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
WEBHOOK_CONNECT_TIMEOUT_SECONDS = float(env_str("WEBHOOK_CONNECT_TIMEOUT_SECONDS", "3"))
WEBHOOK_TIMEOUT_SECONDS = float(env_str("WEBHOOK_TIMEOUT_SECONDS", "5"))
# An endpoint whose every attempt failed for this long is disabled, and the operators told.
WEBHOOK_DISABLE_AFTER_HOURS = int(env_str("WEBHOOK_DISABLE_AFTER_HOURS", "120"))
# Who is told (e-mail) when an endpoint is disabled; default: ADMINS.
ADMINS = [("Operators", address) for address in env_list("ADMINS")]
WEBHOOK_NOTICE_EMAILS = env_list("WEBHOOK_NOTICE_EMAILS") or [address for _n, address in ADMINS]

# An Idempotency-Key still "in flight" after this many seconds belongs to a request that died
# without committing anything (its answer is recorded in its own transaction): a retry takes it
# over. Longer than gunicorn's timeout (deploy/gunicorn.conf.py), so a live request keeps it.
IDEMPOTENCY_LEASE_SECONDS = int(env_str("IDEMPOTENCY_LEASE_SECONDS", "60"))

# An API answer with an error code its operation does not list in the schema (core.api.codes):
# "log" a warning (the schema needs the code), or "raise" (the tests: the test that provokes it
# fails until the view declares it).
API_ERROR_CODES_CHECK = "log"

CURRENCY = env_str("CURRENCY", "EUR")

# Booking policies (SPEC §6). Cancellation tiers: (hours of notice at least, fee percent), the
# first that the notice reaches applies; under the last one, and after the start, 100 %.
BOOKING_CANCELLATION_TIERS: list[tuple[int, int]] = [(24, 0), (2, 50), (0, 100)]
BOOKING_NO_SHOW_FEE_PERCENT = 100
BOOKING_RESCHEDULE_NOTICE_HOURS = 24
BOOKING_RATING_WINDOW_DAYS = 14
BOOKING_REMINDER_HOURS = 24
# At most this many pending bookings per customer at once (operators booking for them exempt).
BOOKING_MAX_PENDING_PER_CUSTOMER = 3

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "60/min",
        "user": "600/min",
        "login_ip": "10/min",
        "login_email": "10/min",
        "quote_promo": "20/min",
        "password_reset": "5/hour",
        "register_email": "5/hour",
        "verify_resend": "3/hour",
    },
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # DRF's own reading of X-Forwarded-For trusts none (our throttles ask core.client_ip).
    "NUM_PROXIES": 0,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "USER_ID_FIELD": "public_id",
    "USER_ID_CLAIM": "sub",
    # A password change or an account deletion invalidates every access token at once.
    "CHECK_REVOKE_TOKEN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Car-service booking API",
    "DESCRIPTION": (
        "Vehicles, quotes, availability and bookings for a car-service business. "
        'Every error answers `{"error": {"code", "message", "details", "request_id"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge fetched from the public validator: the page loads only its own assets (CSP).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The codes of a refused start (issue 12), one enum wherever they appear.
    "ENUM_NAME_OVERRIDES": {"StartRefusalCodeEnum": "scheduling.domain.explain.REASON_CODES"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.describe_text_parameters",
        "core.api.schema.add_error_responses",
    ],
    # What Django's URL converters match, exactly (a UUID in a path is lower case).
    "PATH_CONVERTER_OVERRIDES": {
        "uuid": {
            "type": "string",
            "format": "uuid",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        },
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    },
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # request_id: the request's id (and the trace's, when tracing is on) on every record; redact:
    # no password, token, Authorization header or e-mail address in a line (core.logging).
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "redact": {"()": "core.logging.RedactingFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact"],
            "formatter": env_str("LOG_FORMAT", "text"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Our own envelope middleware logs 4xx/5xx with the request id; Django's own
        # request logger would log the same failures a second time.
        "django.request": {"level": "ERROR"},
    },
}
