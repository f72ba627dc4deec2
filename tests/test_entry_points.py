"""Every entry point (manage.py, the web processes, the Celery worker) reads the same settings
when none is named; pytest reads the test settings whatever the environment names."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "entry-points-test-only-7c1e0f6b9a2d4e58b3f1a6c9d0e2b4f8-long-enough",
    "ALLOWED_HOSTS": "guichet.example.org",
    "DATABASE_URL": "postgres://collex@db.internal:5432/collex",
    "CACHE_URL": "rediscache://redis.internal:6379/1",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://guichet:secret@smtp.example.org:587",
    "MFA_ENCRYPTION_KEY": "Y2hlY2stZGVwbG95LW9ubHktbm90LWEtcmVhbC1rZXk=",
}
SHOW_SETTINGS = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
ENTRY_POINTS = {
    "gunicorn config.wsgi": ["-c", f"import config.wsgi; {SHOW_SETTINGS}"],
    "an ASGI server on config.asgi": ["-c", f"import config.asgi; {SHOW_SETTINGS}"],
    "celery -A config worker": [
        "-c",
        f"from config.celery import app; app.loader.import_default_modules(); {SHOW_SETTINGS}",
    ],
    "manage.py": ["manage.py", "shell", "--verbosity", "0", "-c", SHOW_SETTINGS],
}


def environment_naming_no_settings(**variables):
    """This process's environment without the DJANGO_* variables (nor production's), and these."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in PRODUCTION_ENV
    }
    return {**environment, **variables}


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_defaults_to_the_production_settings(entry_point):
    result = subprocess.run(
        [sys.executable, *ENTRY_POINTS[entry_point]],
        cwd=BASE_DIR,
        env=environment_naming_no_settings(**PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["config.settings.production", "False"]


def test_pytest_reads_the_test_settings_whatever_the_environment_names(request):
    """A developer's shell may export the development settings (the Makefile does): pytest-django
    prefers its --ds option, given in pyproject.toml, so the suite never runs on them."""
    from django.conf import settings

    assert request.config.getoption("ds") == "config.settings.test"
    assert settings.SETTINGS_MODULE == "config.settings.test"


def test_the_checks_pass_before_the_database_is_migrated(tmp_path):
    """`make demo` on a fresh machine runs migrate, whose system checks import every URL
    module and form: none may query the database then (a form's choices made at import did,
    and migrate stopped on "no such table" before creating any)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=environment_naming_no_settings(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
