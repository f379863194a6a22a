"""Fast, deterministic test settings; DATABASE_URL and REDIS_URL still choose the backends."""

from .base import *  # noqa: F403
from .base import BASE_DIR, PASSWORD_HASHERS

DEBUG = False
# Argon2 is slow on purpose; tests check behaviour, not hashing cost (base keeps Argon2 first).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
