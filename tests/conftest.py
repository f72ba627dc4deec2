import pytest

from accounts.roles import Role

from .factories import CallFactory, UserFactory


@pytest.fixture
def applicant(db):
    return UserFactory(email="porteuse@example.org")


@pytest.fixture
def other_applicant(db):
    return UserFactory(email="autre@example.org")


@pytest.fixture
def programme_manager(db):
    return UserFactory(email="gestionnaire@example.org", roles=[Role.PROGRAMME_MANAGER])


@pytest.fixture
def reviewer(db):
    return UserFactory(email="expert@example.org", roles=[Role.REVIEWER])


@pytest.fixture
def council_member(db):
    return UserFactory(email="conseil@example.org", roles=[Role.COUNCIL_MEMBER])


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.org", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def open_call(db):
    return CallFactory()


@pytest.fixture
def celery_worker():
    """A real Celery worker, in a thread of this process, on the broker of CELERY_BROKER_URL.

    Tasks stop running eagerly for the test. The test settings give every test process its own
    queue (collex-test-<pid>), so parallel runs never take each other's tasks. The worker shares
    this process's memory: e-mail it sends lands in django.core.mail.outbox.

    The worker is built in a helper thread because Celery's Django fixup closes the database
    connections of the thread that builds it, which would end the test's own transaction.
    """
    import threading

    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from config.celery import app

    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs a broker: set CELERY_BROKER_URL")
    ready, stop, failures = threading.Event(), threading.Event(), []

    def run():
        try:
            with start_worker(
                app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20
            ):
                ready.set()
                stop.wait()
        except BaseException as error:  # reported in the test's thread
            failures.append(error)
            ready.set()

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    thread = threading.Thread(target=run, name="celery-test-worker", daemon=True)
    thread.start()
    try:
        assert ready.wait(60), "the Celery worker did not start within 60 seconds"
        if failures:
            raise failures[0]
        yield app
    finally:
        stop.set()
        thread.join(30)
        app.conf.task_always_eager = eager
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(app.conf.task_default_queue)


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in French, the default language, whatever the previous test requested."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
