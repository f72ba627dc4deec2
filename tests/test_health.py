"""What an operator relies on: the probes of a load balancer, Sentry without personal data, JSON
logs.

The services that are down are real ones that do not answer: a closed port on 127.0.0.1 for the
broker and the Redis cache, the database driver's connection refused. Each check is bounded by the
timeouts the settings give its connection (asserted below), never by how long a test took.
"""

import io
import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connections
from django.test import RequestFactory

from accounts.roles import Role
from config.observability import JSONFormatter, scrub

from .factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readiness(client):
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response, response.json()


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_200_with_every_check_ok(client, settings):
    settings.CELERY_BROKER_URL = ""

    response, body = readiness(client)

    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_a_browser_signed_in_halfway_still_reads_the_probes(client, settings):
    """Staff who have not set up their second factor, an account without a name: the probes
    answer them as anyone, instead of sending them to those pages."""
    settings.CELERY_BROKER_URL = ""
    for person in (
        UserFactory(roles=[Role.PROGRAMME_MANAGER], without_second_factor=True),
        UserFactory(first_name="", last_name=""),
    ):
        client.force_login(person)
        assert client.get("/healthz").status_code == 200
        assert readiness(client)[0].status_code == 200


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_cannot_be_reached(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""
    secret = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: password'

    def refused():
        raise OperationalError(secret)

    monkeypatch.setattr(connections["default"], "ensure_connection", refused)

    response, body = readiness(client)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["checks"]["database"] == "failing"
    assert body["checks"]["cache"] == "ok"
    text = response.content.decode()
    assert "db.internal" not in text
    assert "Traceback" not in text
    assert "OperationalError" not in text


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_does_not_answer(client, settings, closed_port, caplog):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"

    with caplog.at_level(logging.WARNING):
        response, body = readiness(client)

    # The reason is logged once, as a warning for the operator, not as an error at each probe.
    assert [(r.name, r.levelname) for r in caplog.records] == [("config.health", "WARNING")]
    assert "Connection refused" in caplog.text

    assert response.status_code == 503
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "failing",
        "migrations": "ok",
    }
    assert str(closed_port) not in response.content.decode()


@pytest.mark.django_db
def test_readyz_names_the_cache_when_redis_does_not_answer(client, settings, closed_port):
    settings.CELERY_BROKER_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/1",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

    response, body = readiness(client)

    assert response.status_code == 503
    assert body["checks"]["cache"] == "failing"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_checks_a_broker_that_answers(client, settings):
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("needs a broker: set CELERY_BROKER_URL")
    settings.CELERY_BROKER_URL = broker

    response, body = readiness(client)

    assert response.status_code == 200
    assert body["checks"]["broker"] == "ok"


def test_the_broker_check_never_waits_long(settings):
    """The broker check's connect and socket timeouts (config/health.py) are this setting."""
    assert 0 < settings.HEALTH_CHECK_TIMEOUT <= 2


def settings_in_production(**environ):
    """Settings read by a fresh process from this environment, as JSON."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "import sentry_sdk; o = sentry_sdk.get_client().options; print(json.dumps({"
        "'database': s.DATABASES['default'].get('OPTIONS', {}), "
        "'cache': s.CACHES['default'].get('OPTIONS', {}), "
        "'handler': s.LOGGING['handlers']['console'], "
        "'sentry': o.get('dsn') and {'pii': o['send_default_pii'], "
        "'scrub': o['before_send'].__qualname__, "
        "'integrations': sorted(sentry_sdk.get_client().integrations)}}))"
    )
    environment = {key: value for key, value in os.environ.items() if key != "SENTRY_DSN"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.base", **environ)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_services_give_up_in_seconds_and_sentry_starts_scrubbed():
    read = settings_in_production(
        DATABASE_URL="postgres://collex@127.0.0.1:5432/collex",
        CACHE_URL="rediscache://127.0.0.1:6379/1",
        SENTRY_DSN="https://public@127.0.0.1:9/1",
        LOG_FORMAT="json",
    )

    assert read["database"]["connect_timeout"] <= 5
    assert read["cache"] == {"socket_connect_timeout": 2, "socket_timeout": 2}
    assert read["handler"]["formatter"] == "json"
    assert read["sentry"]["pii"] is False
    assert read["sentry"]["scrub"] == "scrub"
    assert {"django", "celery"} <= set(read["sentry"]["integrations"])


def test_without_a_dsn_sentry_stays_off_and_logs_stay_human():
    read = settings_in_production()

    assert read["sentry"] is None
    assert "formatter" not in read["handler"]


def test_sentry_events_keep_the_account_id_and_nothing_that_names_a_person():
    event = {
        "message": "boom",
        "user": {"id": "42", "email": "ada@example.org", "ip_address": "192.0.2.1"},
        "request": {
            "url": "https://guichet.example.org/applications/7/",
            "method": "POST",
            "query_string": "q=Lovelace",
            "data": {"title": "My project", "email": "ada@example.org"},
            "cookies": {"sessionid": "abc123"},
            "headers": {
                "Authorization": "Bearer secret-token",
                "Cookie": "sessionid=abc123",
                "X-Forwarded-For": "192.0.2.1",
                "User-Agent": "Firefox",
            },
            "env": {"REMOTE_ADDR": "192.0.2.1"},
        },
    }

    scrubbed = json.dumps(scrub(event, hint={}))

    assert json.loads(scrubbed)["user"] == {"id": "42"}
    for personal in ("ada@example.org", "abc123", "secret-token", "192.0.2.1", "Lovelace"):
        assert personal not in scrubbed
    assert "My project" not in scrubbed
    assert "/applications/7/" in scrubbed
    assert "Firefox" in scrubbed


def test_json_log_lines_parse_with_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("tests.health.json")
    logger.addHandler(handler)
    logger.propagate = False
    request = RequestFactory().get("/calls/", headers={"X-Request-ID": "3f2a9c"})
    try:
        logger.warning("Réponse lente : %s s", 3, extra={"request": request})
        try:
            raise ValueError("broken")
        except ValueError:
            logger.exception("Failed")
    finally:
        logger.removeHandler(handler)

    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "WARNING"
    assert first["logger"] == "tests.health.json"
    assert first["message"] == "Réponse lente : 3 s"
    assert first["request_id"] == "3f2a9c"
    assert first["time"].endswith("+00:00")
    assert "request_id" not in second
    assert "ValueError: broken" in second["exception"]
