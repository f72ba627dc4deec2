"""The Celery application. Tasks run eagerly unless CELERY_BROKER_URL is set (see settings)."""

from celery import Celery

from config.settings import use_default_settings

# The default of every entry point (config/settings/__init__.py): a worker started without
# DJANGO_SETTINGS_MODULE runs on the production settings, as the web processes do.
use_default_settings()

app = Celery("collex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
