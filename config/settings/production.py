"""Production: every secret from the environment, secure defaults, JSON logs. Fails loudly when a
required variable is missing."""

from .base import *  # noqa: F403
from .base import (
    LOGGING,
    database_from_url,
    env_bool,
    env_list,
    env_required,
    env_str,
    redis_cache,
)

SECRET_KEY = env_str("SECRET_KEY")
# Never the first run's SQLite file and per-process memory: several app servers must share the
# same database, throttle counters and cache, so a missing address is a start-up error.
DATABASES = {
    "default": {**database_from_url(env_required("DATABASE_URL")), "ATOMIC_REQUESTS": False}
}
CACHES = {"default": redis_cache(env_required("REDIS_URL"))}
# The worker's broker: REDIS_URL unless CELERY_BROKER_URL names another (a separate Redis
# database is better: the queue then never shares a database with cache keys). Never eager here:
# production's side effects run in the worker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or env_required("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = False
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")

# TLS ends at nginx, which sets X-Forwarded-Proto (deploy/nginx.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# What monitors ask each app server directly, over plain HTTP on the private side (a container's
# HEALTHCHECK, Prometheus): answered, not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Staff prove a second factor before any admin page (docs/rules/security.md).
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", True)

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

LOGGING["handlers"]["console"]["formatter"] = env_str("LOG_FORMAT", "json")
