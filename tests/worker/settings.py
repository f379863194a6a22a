"""Settings of the processes tests/worker/ starts (a Celery worker, gunicorn): the test settings
with a real broker instead of eager tasks, SMTP to the test's sink, and the knobs the test turns
(all from the environment the test passes)."""

import os

from config.settings.test import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_TASK_DEFAULT_QUEUE"]
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["EMAIL_PORT"])
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "5"))
EMAIL_RETRY_BASE_SECONDS = float(os.environ.get("EMAIL_RETRY_BASE_SECONDS", "10"))
EMAIL_RETRY_MAX_SECONDS = float(os.environ.get("EMAIL_RETRY_MAX_SECONDS", "900"))
WEBHOOK_ALLOW_PRIVATE_NETWORKS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS") == "true"
# Inline mode for the "before" run of bench/email_latency.py: e-mails sent in the request.
if os.environ.get("CELERY_TASK_ALWAYS_EAGER") == "true":
    CELERY_TASK_ALWAYS_EAGER = True
