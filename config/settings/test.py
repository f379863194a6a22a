"""Fast, deterministic test settings; DATABASE_URL and REDIS_URL still choose the backends."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, PASSWORD_HASHERS

DEBUG = False
# Several checkouts may test against one PostgreSQL server at once: each can name its own test DB.
# No persistent connections: the live server's request threads must not keep the test database
# open after the run (it could not be dropped).
DATABASES["default"]["CONN_MAX_AGE"] = 0
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# Argon2 is slow on purpose; tests check behaviour, not hashing cost (base keeps Argon2 first).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
