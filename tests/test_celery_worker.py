"""E-mail goes through the broker to a real Celery worker (run with CELERY_BROKER_URL set)."""

import os
import time

import pytest
from django.conf import settings
from django.core import mail

from notifications.tasks import send_email

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL, reason="needs a broker: set CELERY_BROKER_URL"
    ),
    # redis-py's own deprecation, raised inside Celery's Redis result backend.
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]

PAYLOAD = {
    "subject": "Worker check",
    "body": "Sent by a real worker.",
    "from_email": "guichet@example.org",
    "to": ["porteuse@example.org"],
}


def wait_for_mail(count, timeout=20):
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return mail.outbox


def test_tasks_are_not_eager_while_the_worker_runs(celery_worker):
    assert not celery_worker.conf.task_always_eager
    assert celery_worker.conf.task_default_queue == f"collex-test-{os.getpid()}"


def test_the_worker_sends_a_queued_email(celery_worker):
    assert send_email.delay(PAYLOAD).get(timeout=20) == 1
    assert [message.subject for message in mail.outbox] == ["Worker check"]


@pytest.mark.django_db
def test_signup_verification_email_arrives_through_the_worker(
    client, celery_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/signup/",
            {
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
