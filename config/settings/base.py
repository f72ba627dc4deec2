"""Settings shared by every environment, read from environment variables with safe defaults.

A fresh machine needs nothing: SQLite, tasks run in-process, e-mail printed on the console.
Production sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.csp import policy as csp_policy
from config.environment import Env
from config.observability import start_sentry
from config.storage import private_storage_entry

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = Env()
Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY", default="insecure-development-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Project apps first so that their templates override the libraries'.
    "accounts",
    "labels",
    "cms",
    "calls",
    "applications",
    "reviews",
    "decisions",
    "projects",
    "reports",
    "notifications",
    "privacy",
    "common",
    "demo",
    # Wagtail
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Authentication
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.orcid",
    # Forms and filters
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    # The open data API (reports/api)
    "rest_framework",
    "drf_spectacular",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.cache_control.NoStoreForSignedInUsers",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff and council: the second factor, re-authentication in the admin, the idle timeout.
    "accounts.middleware.StaffSessionMiddleware",
    # Accounts without a name give it once before going on (accounts/names.py).
    "accounts.names.NamesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Content Security Policy: see config/csp.py.
CONTENT_SECURITY_POLICY = csp_policy()

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_navigation",
                "notifications.context_processors.unread_messages",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers queue instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that cannot be reached fails a request (and /readyz) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis restarting must not fail requests that only count or cache something.
    CACHES["default"]["BACKEND"] = "config.cache.ForgivingRedisCache"
    # ... nor hold them: a Redis that does not answer counts as unreachable after two seconds.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 2, "socket_timeout": 2}
    )
# /readyz (config/health.py): how long the broker check waits for the broker, in seconds.
HEALTH_CHECK_TIMEOUT = 2

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# The admin's login page: sends visitors to allauth's, tells signed-in non-staff they cannot enter.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/admin/"

# django-allauth: e-mail is the login, verified before first use.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Before them, the person's given and family names: pages, mails and receipts name people by them.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupNamesForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# An e-mail to the account when its password, an address or a second factor changes (through the
# outbox, as every allauth e-mail: accounts/adapter.py).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CollEx-Persée] "
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Per account (or address when signed out), on what a script could hammer; counted in the cache.
# An invitation sends an e-mail to an address the applicant typed: a team of 30 in an hour.
COLLEX_RATE_LIMITS = {"submit": "10/m", "upload": "30/m", "invite": "30/h"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "CollEx-Persée"
MFA_PASSKEY_LOGIN_ENABLED = False
# Staff and council must pass a second factor (accounts/second_factor.py), whose secrets are
# stored encrypted with MFA_ENCRYPTION_KEY (accounts/encryption.py; if empty, derived from
# SECRET_KEY; production requires one). Sensitive actions ask to re-authenticate once the last
# sign-in is older than REAUTHENTICATION_MINUTES; staff sessions end after STAFF_IDLE_MINUTES
# without a request.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="")
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_MINUTES", default=15) * 60
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_MINUTES", default=30) * 60
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
# ORCID sign-in is offered only when its credentials are given.
ORCID_CLIENT_ID = env.str("ORCID_CLIENT_ID", default="")
ORCID_SECRET = env.str("ORCID_SECRET", default="")
ORCID_SANDBOX = env.bool("ORCID_SANDBOX", default=False)
SOCIALACCOUNT_PROVIDERS = {}
if ORCID_CLIENT_ID and ORCID_SECRET:
    SOCIALACCOUNT_PROVIDERS["orcid"] = {
        "BASE_DOMAIN": "sandbox.orcid.org" if ORCID_SANDBOX else "orcid.org",
        "MEMBER_API": False,
        "APPS": [{"client_id": ORCID_CLIENT_ID, "secret": ORCID_SECRET, "key": ""}],
    }

# Languages: French by default, English complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static files, served by whitenoise (compressed, with cache-busting names in production).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files: CMS images are public; documents are served by a view that checks permissions.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Applicants' files: outside MEDIA_ROOT, never served by the web server, only through a view.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # That folder, or a private bucket when AWS_STORAGE_BUCKET_NAME is set (config/storage.py).
    "private": private_storage_entry(env, PRIVATE_MEDIA_ROOT),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Outside production, whitenoise serves static files straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail: printed on the console unless EMAIL_URL says otherwise (smtp://, smtp+tls://...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="CollEx-Persée <guichet@collex.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker, tasks run in-process so that a fresh machine needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Our tasks are fire-and-forget; a result backend is only needed to wait for a result.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_RESULT_EXPIRES = 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work, run by `celery -A config beat` in production.
CELERY_BEAT_SCHEDULE = {
    "review-reminders": {
        "task": "reviews.tasks.send_review_reminders",
        "schedule": 60 * 60,  # hourly; each reviewer gets at most one reminder a day
    },
    # Sends the e-mails left pending (broker down at commit time, a worker died, a lost retry).
    "notifications-sweeper": {"task": "notifications.tasks.send_unsent", "schedule": 60},
    # Reports whose build task was lost or whose worker died are marked failed, not left waiting.
    "reports-stalled": {"task": "reports.tasks.fail_stalled_reports", "schedule": 5 * 60},
    # Anonymises what is past its retention period (privacy/retention.py), once a night.
    "privacy-retention": {
        "task": "privacy.tasks.run_retention",
        "schedule": crontab(hour=env.int("RETENTION_RUN_HOUR", default=3), minute=30),
    },
    # Tells staff and leads of agreements still unsigned (projects.messages), once a day.
    "projects-unsigned-agreements": {
        "task": "projects.tasks.remind_unsigned_agreements",
        "schedule": crontab(hour=8, minute=0),
    },
    # Tells leads and their team of reports due soon or late (projects.report_messages).
    "projects-report-reminders": {
        "task": "projects.tasks.remind_reports",
        "schedule": crontab(hour=8, minute=15),
    },
    # Records the labels that lapsed at their expiry and tells their holders (labels.lapses).
    "labels-record-lapses": {
        "task": "labels.tasks.record_lapses",
        "schedule": crontab(hour=6, minute=0),
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=env.int("NOTIFICATIONS_DIGEST_HOUR", default=7), minute=0),
    },
}

# Personal data: how long each kind is kept before the daily retention run anonymises it (the
# register, privacy/register.py, says what each period covers; docs/personal-data.md lists it).
# Each from RETENTION_<key> in the environment (RETENTION_NOT_FUNDED_YEARS...), or its default.
PERSONAL_DATA_RETENTION_DEFAULTS = {
    "NOT_FUNDED_YEARS": 5,
    "FUNDED_YEARS": 10,
    "ABANDONED_DRAFT_YEARS": 2,
    "INACTIVE_ACCOUNT_YEARS": 3,
    "DELIVERY_LOG_DAYS": 365,
}
PERSONAL_DATA_RETENTION = {
    key: env.int(f"RETENTION_{key}", default=default)
    for key, default in PERSONAL_DATA_RETENTION_DEFAULTS.items()
}

# Funded projects: an agreement's latest version still unsigned this many days after it was
# made is listed as late, and staff and the lead are reminded of it each day.
AGREEMENT_REMINDER_DAYS = env.int("AGREEMENT_REMINDER_DAYS", default=30)
# A report still owed is announced to its lead and team this many days before its due date, and
# recalled each day once it is late.
REPORT_REMINDER_DAYS_BEFORE = env.int("REPORT_REMINDER_DAYS_BEFORE", default=14)

# The largest signed copy of an agreement staff may upload (projects.agreements).
AGREEMENT_MAX_UPLOAD_MB = env.int("AGREEMENT_MAX_UPLOAD_MB", default=20)

# A report still waiting after this many seconds lost its task; one still being built after this
# many (the build task's hard time limit, 31 minutes, plus a margin) lost its worker.
REPORTS_QUEUED_STALL = env.int("REPORTS_QUEUED_STALL", default=60 * 60)
REPORTS_RUNNING_STALL = 40 * 60

# Notifications: an e-mail is tried up to NOTIFICATIONS_MAX_ATTEMPTS times, the delay doubling
# from NOTIFICATIONS_RETRY_DELAY seconds up to NOTIFICATIONS_RETRY_DELAY_MAX (two hours in all).
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_DELAY = 60
NOTIFICATIONS_RETRY_DELAY_MAX = 60 * 60
# A message's context that strays from its event's sample (notifications.previews) is an error
# in development and tests; in production it is logged and the message still goes.
NOTIFICATIONS_STRICT_CONTEXT = env.bool("NOTIFICATIONS_STRICT_CONTEXT", default=DEBUG)
# The sweeper leaves a delivery to its own task for this many seconds after it is due.
NOTIFICATIONS_SWEEP_AFTER = 120
NOTIFICATIONS_SWEEP_BATCH = 500
# An e-mail is sent while its row is locked: a mail server that hangs must not hold it long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# The open data API (reports/api): its views set their own policy (anonymous, read-only, JSON);
# drf-spectacular describes /api/v1/ only, in OpenAPI 3.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # How many reverse proxies in front of the site append to X-Forwarded-For: the client's
    # address for the rate limits is read that many places from the end. 0 (the default) reads
    # the connection's address only, so that nobody escapes a limit by sending a header.
    "NUM_PROXIES": env.int("TRUSTED_PROXIES", default=0),
}
# The same for allauth's limits on failed sign-ins per address.
ALLAUTH_TRUSTED_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]
# Requests per client address to the open data: its page, its files and the API, counted
# together in the cache (reports/throttle.py).
OPEN_DATA_RATE = "120/minute"
SPECTACULAR_SETTINGS = {
    "TITLE": "CollEx-Persée open data API",
    "DESCRIPTION": "Published calls and funded projects, read-only. "
    "Data under the Licence Ouverte 2.0 / Etalab.",
    "VERSION": "1.0.0",
    "LICENSE": {
        "name": "Licence Ouverte 2.0 / Etalab",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "PREPROCESSING_HOOKS": ["reports.api.schema.only_public_api"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Wagtail
WAGTAIL_SITE_NAME = "CollEx-Persée"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "docx", "xlsx", "csv", "txt", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
# Every date and time typed in the admin is Paris time, whatever an editor's profile says.
WAGTAIL_USER_TIME_ZONES = ["Europe/Paris"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Passwords and addresses are reset and changed through allauth only (/accounts/), which limits
# the attempts, checks a new address, tells the account by e-mail and logs the delivery: the
# admin's own reset form and account page would bypass all of that.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Logs: the human format, or one JSON object a line with LOG_FORMAT=json (config/observability.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: write text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.observability.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # PDF rendering logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Errors go to Sentry when SENTRY_DSN is set, without personal data (config/observability.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    start_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )
