"""Fixtures of the fault tests: private PostgreSQL and Redis for the whole run, and for each test
a gunicorn and Celery workers on them (see services.py). The machine's own PostgreSQL and Redis
(DATABASE_URL, CELERY_BROKER_URL) are never touched: other people use them meanwhile.

The test process itself does not use Django's database at all; the probe (probe.py), run as a
process on the private services, prepares the data and reports what the database holds.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from .services import (
    HOST,
    PG_PORT,
    REDIS_PORT,
    ROOT,
    WEB_PORT,
    PrivatePostgres,
    PrivateRedis,
    ServiceError,
    Stack,
    port_open,
    postgres_binaries,
)


def missing(*ports):
    if postgres_binaries() is None:
        return "needs PostgreSQL's initdb and pg_ctl (apt-get install postgresql)"
    if shutil.which("redis-server") is None:
        return "needs redis-server (apt-get install redis-server)"
    for port in ports:
        if port_open(port):
            return f"port {port} of {HOST} is taken: the fault tests need it for their services"
    return None


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster of our own, migrated once; dropped at the end, whatever happens."""
    PrivatePostgres.remove_stale()
    if reason := missing(PG_PORT, WEB_PORT):
        pytest.skip(reason)
    # Directly under /tmp: the `postgres` user must be able to reach it when we are root.
    cluster = PrivatePostgres(tempfile.mkdtemp(prefix="collex-faults-pg-", dir="/tmp"))
    try:
        cluster.create()
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env={**base_env(), "DATABASE_URL": cluster.url},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if migrate.returncode:
            raise ServiceError(f"migrate failed: {migrate.stdout[-2000:]}{migrate.stderr[-3000:]}")
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def redis():
    if reason := missing(REDIS_PORT):
        pytest.skip(reason)
    folder = tempfile.mkdtemp(prefix="collex-faults-redis-")
    server = PrivateRedis(folder)
    try:
        server.start()
        yield server
    finally:
        if server.process is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def base_env():
    """The environment of every process we start: the fault settings, nothing of the caller's
    services (DATABASE_URL and CELERY_BROKER_URL name the machine's)."""
    from django.conf import settings

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "EMAIL_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.settings",
        SECRET_KEY=settings.SECRET_KEY,  # the test process reads the messages' signed cookies
        EMAIL_FILE_PATH="/dev/null",
        CELERY_BROKER_URL=f"redis://{HOST}:{REDIS_PORT}/0",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture
def stack(postgres, redis, request):
    """gunicorn and workers, started by the test; stopped afterwards, with the private services
    brought back up if the test left them down. On failure, the logs go to the report."""
    folder = tempfile.mkdtemp(prefix="collex-faults-")
    env = {
        **base_env(),
        "DATABASE_URL": postgres.url,
        # As in production, the cache (rate limits) is on the same Redis as the broker.
        "CACHE_URL": f"rediscache://{HOST}:{REDIS_PORT}/1",
        "MEDIA_ROOT": f"{folder}/media",
        "PRIVATE_MEDIA_ROOT": f"{folder}/private",
    }
    services = Stack(folder, env)
    try:
        yield services
    finally:
        services.stop()
        if not postgres.running():
            postgres.start()
        if redis.process is None:
            redis.start()
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            # Past pytest's capture: what the services said, to explain the failure.
            sys.__stderr__.write(f"\n=== logs of the services ({folder})\n{services.logs()}\n")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
