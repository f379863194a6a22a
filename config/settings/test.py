"""Fast, deterministic test settings; DATABASE_URL and REDIS_URL still choose the backends."""

import os
import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, PASSWORD_HASHERS

DEBUG = False
# No persistent connections: the live server's request threads must not keep the test database
# open after the run (it could not be dropped).
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Several checkouts may test against one PostgreSQL server at once: each names its own test database
# (default "test_" + the database's name). SQLite keeps its private in-memory one: a name would make
# it a file in the checkout.
if os.environ.get("TEST_DATABASE_NAME") and "sqlite" not in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# The Redis database may be shared with a development server or another run: each test run writes
# under its own key prefix, and tests.cache clears only that prefix between tests, never FLUSHDB.
_server_prefix = CACHES["default"].get("KEY_PREFIX") or "carservice"
CACHES["default"]["KEY_PREFIX"] = f"{_server_prefix}:test-{secrets.token_hex(4)}"
# Argon2 is slow on purpose; tests check behaviour, not hashing cost (base keeps Argon2 first).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
# A refusal that an operation does not list in the schema fails the test that provokes it.
API_ERROR_CODES_CHECK = "raise"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process after the commit, whatever REDIS_URL says: a test that wants a real worker
# starts one (tests/worker.py) with its own broker.
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
# The admin's second factor is off (the browser and admin tests sign in with a password); the
# tests of the enforced path switch it on (tests/accounts/admin/test_two_factor.py).
ADMIN_REQUIRE_2FA = False
