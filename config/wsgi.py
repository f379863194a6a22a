import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from core.wsgi import ApiErrorGuard

# Nothing escapes to gunicorn under /api/: its own error pages are HTML (docs/rules/api.md).
application = ApiErrorGuard(get_wsgi_application())
