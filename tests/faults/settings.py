"""Settings of the processes the fault tests start (gunicorn, Celery workers, the probe): the
project's base settings on the private PostgreSQL cluster and Redis server of tests/faults, with
e-mail written to files (one directory for every process, so that sent e-mail can be counted)
and the sweeper run every second by the workers' embedded beat, so that a test lasts seconds.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every e-mail is one file in EMAIL_FILE_PATH (see tests/faults/mail.py).
EMAIL_BACKEND = "tests.faults.mail.FileBackend"
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CELERY_TASK_DEFAULT_QUEUE = "collex-faults"
# How long Redis keeps a task taken by a worker that vanished before handing it to another.
# Production keeps kombu's hour (longer than a report may take); a test can shorten it, and the
# workers look for such tasks every second.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("FAULTS_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# The sweeper's schedule, minutes in production, seconds here.
NOTIFICATIONS_SWEEP_AFTER = 2
NOTIFICATIONS_RETRY_DELAY = 1
NOTIFICATIONS_RETRY_DELAY_MAX = 2
CELERY_BEAT_SCHEDULE = {
    "notifications-sweeper": {"task": "notifications.tasks.send_unsent", "schedule": 1.0},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
