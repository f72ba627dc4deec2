"""Messages go through the broker to a real Celery worker (run with CELERY_BROKER_URL set).

The worker runs in another thread, with its own database connection: the tests commit for real
(transaction=True), as the worker only sees committed rows.
"""

import os
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from applications.facts import application_facts
from notifications.events import Event
from notifications.models import Delivery, DeliveryState
from notifications.services import notify

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL, reason="needs a broker: set CELERY_BROKER_URL"
    ),
    # redis-py's own deprecation, raised inside Celery's Redis result backend.
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]


def wait_for_mail(count, timeout=20):
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return mail.outbox


def wait_for_state(delivery, state, timeout=10):
    """The worker commits just after the mail server accepts: wait for the row to say so."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = Delivery.objects.get(pk=delivery.pk)
        if delivery.state == state:
            break
        time.sleep(0.1)
    return delivery


def test_tasks_are_not_eager_while_the_worker_runs(celery_worker):
    assert not celery_worker.conf.task_always_eager
    assert celery_worker.conf.task_default_queue == f"collex-test-{os.getpid()}"


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_message_written_in_a_transaction(celery_worker):
    from .factories import ApplicationFactory

    application = ApplicationFactory(lead__email="porteuse@example.org")
    with transaction.atomic():
        [message] = notify(
            Event.APPLICATION_REOPENED,
            [application.lead],
            {"application": application_facts(application)},
        )
        time.sleep(0.5)
        assert mail.outbox == []  # nothing leaves before the commit

    outbox = wait_for_mail(1)
    assert [email.subject for email in outbox] == [message.subject]
    delivery = wait_for_state(message.deliveries.get(), DeliveryState.SENT)
    assert delivery.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_with_backoff_until_the_mail_server_accepts(celery_worker, settings):
    """The mail server refuses twice: the task retries itself through the broker."""
    from .factories import UserFactory
    from .test_notifications_delivery import FlakyBackend

    settings.EMAIL_BACKEND = "tests.test_notifications_delivery.FlakyBackend"
    settings.NOTIFICATIONS_RETRY_DELAY = 1  # 1 s, then 2 s
    FlakyBackend.failures_left, FlakyBackend.refused = 2, 0
    user = UserFactory()
    with transaction.atomic():
        [message] = notify(Event.DECISION, [user], {"context": {}})

    outbox = wait_for_mail(1, timeout=30)
    assert len(outbox) == 1 and FlakyBackend.refused == 2
    delivery = wait_for_state(message.deliveries.get(), DeliveryState.SENT)
    assert delivery.attempts == 3


@pytest.mark.django_db(transaction=True)
def test_signup_verification_email_arrives_through_the_worker(client, celery_worker):
    response = client.post(
        "/en/accounts/signup/",
        {
            "first_name": "Wanda",
            "last_name": "Worker",
            "email": "worker@example.org",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery staple",
        },
    )
    assert response.status_code == 302
    outbox = wait_for_mail(1)
    assert len(outbox) == 1
    assert outbox[0].to == ["worker@example.org"]
    assert "http://testserver/en/accounts/confirm-email/" in outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_the_submission_receipt_is_rendered_and_sent_by_the_worker(celery_worker):
    """The worker reads the committed submission and sends the PDF receipt to the lead."""
    from applications.services import submit_application

    from .factories import ApplicationFactory

    application = ApplicationFactory(complete=True, lead__email="porteuse@example.org")
    submission = submit_application(application, application.lead)  # commits: a real transaction

    outbox = wait_for_mail(1, timeout=30)
    assert len(outbox) == 1
    assert outbox[0].to == ["porteuse@example.org"]
    assert submission.fingerprint in outbox[0].body
    ((name, content, mimetype),) = outbox[0].attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-")
