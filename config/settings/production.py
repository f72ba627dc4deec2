"""Production: secrets and hosts must come from the environment; HTTPS everywhere."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STORAGES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Real services only: no silent fallback to SQLite, per-process cache, in-process tasks or e-mail
# printed on a console nobody reads (each raises ImproperlyConfigured when missing).
SERVICES = ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "EMAIL_URL")
for service in SERVICES:
    env.str(service)
CELERY_TASK_ALWAYS_EAGER = False
# The key that encrypts the second factors' secrets (accounts/encryption.py), never derived here.
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY")

# Demo accounts have a published password: the demo loader does not exist in production.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "demo"]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# A load balancer probes the processes over plain HTTP, behind the TLS it ends itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Static files are collected at deploy time and served with cache-busting names.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
