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


def pass_the_sign_in(client, user):
    """Leave the client's session as signing in through the form does: allauth's record of the
    password and, for an account with an authenticator app or a security key, of the second
    factor typed after it (accounts.second_factor notes that this session passed it)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.http import HttpRequest

    from accounts.second_factor import DEVICES

    request = HttpRequest()
    request.session = client.session
    record_authentication(request, user, method="password", email=user.email)
    device = Authenticator.objects.filter(user_id=user.pk, type__in=DEVICES).first()
    if device is not None:
        record_authentication(request, user, method="mfa", id=device.pk, type=device.type)
    request.session.save()


@pytest.fixture(autouse=True, scope="session")
def force_login_is_a_real_sign_in():
    """`client.force_login(user)`, in every test and every client, signs in as a person does
    (pass_the_sign_in): staff and council accounts, which the factories give an authenticator
    app, reach their pages as after typing their code; one made without_second_factor does not."""
    from django.test import Client

    force_login = Client.force_login

    def force_login_and_pass(self, user, backend=None):
        force_login(self, user, backend)
        pass_the_sign_in(self, user)

    Client.force_login = force_login_and_pass
    yield
    Client.force_login = force_login


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in French, the default language, whatever the previous test requested."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def in_english(french_by_default):
    """The test reads the English source strings (and /en/ addresses); French comes back after
    it. A module asks for it with pytestmark = pytest.mark.usefixtures("in_english")."""
    from django.utils import translation

    translation.activate("en")


@pytest.fixture
def empty_private_folder():
    """The test starts with no applicant's file stored (PRIVATE_MEDIA_ROOT emptied)."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    shutil.rmtree(Path(settings.PRIVATE_MEDIA_ROOT), ignore_errors=True)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
