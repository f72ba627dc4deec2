"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SERVICES = {
    "DATABASE_URL": "postgres://collex@db.internal:5432/collex",
    "CACHE_URL": "rediscache://redis.internal:6379/1",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://guichet:secret@smtp.example.org:587",
    # Not a service, but required as they are: the key of the second factors' secrets.
    "MFA_ENCRYPTION_KEY": "Y2hlY2stZGVwbG95LW9ubHktbm90LWEtcmVhbC1rZXk=",
}


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_DEBUG", *SERVICES}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="guichet.example.org",
        **SERVICES,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.skipif(
    "SECRET_KEY" in ((BASE_DIR / ".env").read_text() if (BASE_DIR / ".env").exists() else ""),
    reason="a local .env file provides SECRET_KEY",
)
def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", ALLOWED_HOSTS="guichet.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("missing", sorted(SERVICES))
def test_production_refuses_to_fall_back_to_development_services(missing):
    """Without its database, cache, broker or mail server, production stops with a clear message."""
    given = {name: url for name, url in SERVICES.items() if name != missing}
    result = manage(
        "check", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="guichet.example.org", **given
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_the_demo_loader_does_not_exist_in_production():
    result = manage(
        "load_demo",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="guichet.example.org",
        **SERVICES,
    )
    assert result.returncode != 0
    assert "Unknown command" in result.stderr


def test_development_server_starts_with_folders_given_in_the_environment(tmp_path):
    """MEDIA_ROOT and friends from the environment are paths the URLconf can join (DEBUG on)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DJANGO_DEBUG": "1",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
            "STATIC_ROOT": str(tmp_path / "static"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
