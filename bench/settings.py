"""Settings for `make bench` (`manage.py bench`): the development settings, DEBUG off, the bench
app (its command) and a baseline hello view. The database of DATABASE_URL (a scratch one!), else
a throw-away SQLite file in /tmp; media in /tmp too."""

import os

os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/collex-bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", "/tmp/collex-bench-media")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", "/tmp/collex-bench-private")

from config.settings.dev import *  # noqa: E402, F403
from config.settings.dev import INSTALLED_APPS, env  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
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
