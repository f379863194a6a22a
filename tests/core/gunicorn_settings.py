"""Settings of the gunicorn that tests/core/test_gunicorn.py starts: the test settings, no shared
backing service (an in-memory SQLite database, a local-memory cache), and one extra endpoint
that hangs, to reach gunicorn's worker timeout."""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "tests.core.gunicorn_urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
