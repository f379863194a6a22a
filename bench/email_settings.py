"""Production settings, except that BENCH_INLINE=true sends each e-mail in the request's process
right after its commit (eager tasks, as without a broker): the "before" of bench/email_latency.py.
Production itself never allows that (config/settings/production.py)."""

import os

from config.settings.production import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = os.environ.get("BENCH_INLINE") == "true"
