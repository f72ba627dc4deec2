"""The Celery application. Tasks run eagerly unless CELERY_BROKER_URL is set (see settings)."""

import os

from celery import Celery

# The same default as config/wsgi.py and config/asgi.py: a worker started without
# DJANGO_SETTINGS_MODULE runs on the production settings, as the web processes do (and, since
# config/__init__.py imports this module first, this default is also theirs).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("collex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
