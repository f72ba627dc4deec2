"""Test settings: fast hashing, in-memory e-mail, eager tasks.

Tasks stay eager even when CELERY_BROKER_URL is set, so that every test sees its e-mail at once;
the tests marked `celery_worker` switch to a real worker on the broker (see tests/conftest.py).
Each test process publishes to its own queue, so parallel runs never take each other's tasks.
"""

import os
import tempfile

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
# Whitenoise looks a static file up when it is asked for, instead of listing every app's static
# files each time a test client builds its middleware (once per test: a third of a request's time).
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_TMP = tempfile.mkdtemp(prefix="collex-test-")
MEDIA_ROOT = f"{_TMP}/media"
PRIVATE_MEDIA_ROOT = f"{_TMP}/private"
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
ACCOUNT_RATE_LIMITS = False
NOTIFICATIONS_STRICT_CONTEXT = True
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = "http://testserver"

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_DEFAULT_QUEUE = f"collex-test-{os.getpid()}"
# The worker tests wait for results, kept on the broker's Redis.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL) or None  # noqa: F405
