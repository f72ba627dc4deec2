"""What a load balancer asks: is the process alive (/healthz), can it serve (/readyz).

/healthz answers "ok" without touching anything: a process that answers is alive. /readyz tries
what a request needs (the database, the cache, the Celery broker when there is one, every
migration applied) and answers 200 or 503 with each check's name and "ok" or "failing". The body
never carries an exception's text, a host name or anything about a person: the reason goes to the
log, for the operator. Each check is bounded by a timeout set where the connection is configured
(HEALTH_CHECK_TIMEOUT for the broker, the cache's and PostgreSQL's connect timeouts in settings),
so that a service that is down gives an answer in a few seconds, not a hang.

Both are outside the language prefix and never cached. A probe sends no cookie, so no middleware
reads a session for it.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

OK = "ok"
FAILING = "failing"


def check_database():
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def check_cache():
    """A value written and read back: the Redis cache forgives an outage (config/cache.py), so
    only the round trip tells whether it is there."""
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, OK, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return found == OK


def broker_configured():
    url = settings.CELERY_BROKER_URL
    return bool(url) and not url.startswith("memory://")


def check_broker():
    timeout = settings.HEALTH_CHECK_TIMEOUT
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options
    ) as broker:
        # One attempt, no waiting between retries.
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return True


def check_migrations():
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def checks():
    """The checks to run, by name, in order."""
    found = {"database": check_database, "cache": check_cache}
    if broker_configured():
        found["broker"] = check_broker
    found["migrations"] = check_migrations
    return found


def run(name, check):
    try:
        passed = check()
    except Exception:  # noqa: BLE001 (any failure is a failing check, never a server error)
        logger.warning("Readiness check %s failed", name, exc_info=True)
        return FAILING
    if not passed:
        logger.warning("Readiness check %s failed", name)
    return OK if passed else FAILING


@never_cache
@require_safe
def healthz(request):
    return HttpResponse(OK, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request):
    results = {}
    for name, check in checks().items():
        # The migrations cannot be read without the database.
        skip = name == "migrations" and results.get("database") == FAILING
        results[name] = FAILING if skip else run(name, check)
    ready = all(result == OK for result in results.values())
    body = {"status": OK if ready else FAILING, "checks": results}
    response = JsonResponse(body, status=200 if ready else 503)
    # Each failing check logged its reason as a warning: django.request's own error line for
    # every 503, at each probe, would only repeat it (and reach Sentry as an error).
    response._has_been_logged = True
    return response


app_name = "health"
urlpatterns = [
    path("healthz", healthz, name="live"),
    path("readyz", readyz, name="ready"),
]
