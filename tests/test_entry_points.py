"""The web processes and the Celery worker read the same settings when none is named."""

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
ENTRY_POINTS = {
    "gunicorn config.wsgi": "import config.wsgi",
    "an ASGI server on config.asgi": "import config.asgi",
    "celery -A config worker": "from config.celery import app; app.loader.import_default_modules()",
}


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_defaults_to_the_production_settings(entry_point):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in PRODUCTION_ENV
    }
    environment.update(PRODUCTION_ENV)
    code = f"{ENTRY_POINTS[entry_point]}; from django.conf import settings; "
    code += "print(settings.SETTINGS_MODULE, settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["config.settings.production", "False"]
