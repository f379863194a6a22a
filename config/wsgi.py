import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from core import tracing
from core.wsgi import ApiErrorGuard

# Before Django loads its middleware: the request spans' middleware goes first (off by default;
# the OTEL_* variables switch it on, core.tracing).
tracing.configure()

# Nothing escapes to gunicorn under /api/: its own error pages are HTML (docs/rules/api.md).
application = ApiErrorGuard(get_wsgi_application())
