"""Test settings: fast hashing, in-memory e-mail, eager tasks unless a broker is set."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_TMP = tempfile.mkdtemp(prefix="collex-test-")
MEDIA_ROOT = f"{_TMP}/media"
PRIVATE_MEDIA_ROOT = f"{_TMP}/private"
ACCOUNT_RATE_LIMITS = False
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = "http://testserver"
