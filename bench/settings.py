"""Settings for `make bench`: the development settings, DEBUG off, plus a baseline hello view."""

from config.settings.dev import *  # noqa: F403
from config.settings.dev import env

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# As in production, the receipt PDF and its e-mail are a background task, not part of the
# request: tasks are queued (on Redis when CELERY_BROKER_URL is set, else in memory) and the
# benchmark measures what the applicant waits for.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
