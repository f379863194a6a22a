# The Celery app is created with Django's configuration, so that tasks bind to it wherever they
# are handed (web processes, commands, the worker).
from config.celery import app as celery_app

__all__ = ["celery_app"]
