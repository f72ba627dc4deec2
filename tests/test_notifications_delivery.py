"""Delivery: the outbox is sent once, later if the broker or the mail server is down, with retries
and backoff; a task that runs twice sends once."""

import datetime as dt
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections, transaction
from django.utils import timezone

from applications.facts import application_facts
from applications.services import submit_application
from notifications.delivery import deliver, retry_delay
from notifications.events import Event
from notifications.models import Delivery, DeliveryState, Message
from notifications.services import notify
from notifications.tasks import send_delivery, send_unsent

from .factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

FLAKY = "tests.test_notifications_delivery.FlakyBackend"


class FlakyBackend(BaseEmailBackend):
    """A mail server that answers "try again later" a given number of times, then accepts.

    Accepted messages land in django.core.mail.outbox, as with the in-memory backend.
    """

    failures_left = 0
    refused = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            FlakyBackend.refused += 1
            raise smtplib.SMTPDataError(451, b"4.3.0 Mail server temporarily unavailable")
        mail.outbox.extend(messages)
        return len(messages)


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"5.1.1 No such user")})


class DyingBackend(BaseEmailBackend):
    """The server accepts the message, then the worker dies before the database hears of it."""

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        raise SystemExit("worker killed")


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.refused = 0
    yield FlakyBackend
    FlakyBackend.failures_left = 0


@pytest.fixture
def broker_down(monkeypatch):
    """The Celery app publishes to a broker nobody listens on, and tasks are not run eagerly.

    Fresh connection pools are used for the test (the running ones are put back afterwards), so
    the real broker's pool, which the worker tests use, is not touched.
    """
    from config.celery import app

    unreachable = "redis://127.0.0.1:1/0"
    saved = {name: app.conf[name] for name in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=unreachable)
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery reads it before its settings
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    try:
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.update(saved)


def waiting_message(user, **kwargs):
    """A message whose e-mail is pending (its on-commit task never ran)."""
    application = ApplicationFactory(lead=user)
    [message] = notify(
        Event.APPLICATION_REOPENED,
        [user],
        {"application": application_facts(application)},
        **kwargs,
    )
    return message, message.deliveries.get()


# The outbox


def test_the_email_is_sent_only_once_the_transaction_commits(
    applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        message, delivery = waiting_message(applicant)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()

    [email] = mail.outbox
    assert email.to == [applicant.email] and email.subject == message.subject
    assert email.extra_headers["Message-ID"] == f"<delivery-{delivery.pk}.{message.pk}@testserver>"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 1
    assert delivery.sent_at is not None and delivery.last_error == ""


def test_the_receipt_pdf_is_made_when_the_email_is_sent(
    applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(lead=applicant, complete=True)
    submission = submit_application(application, applicant)
    assert mail.outbox == []

    send_delivery.apply((Delivery.objects.get().pk,))

    [email] = mail.outbox
    [(filename, content, mimetype)] = email.attachments
    assert filename == f"recepisse-{application.reference}-{submission.number}.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-")


# Retries


def test_sending_fails_twice_then_succeeds(applicant, flaky, django_capture_on_commit_callbacks):
    """The mail server refuses twice: each retry waits twice as long, then the e-mail goes."""
    flaky.failures_left = 2
    with django_capture_on_commit_callbacks(execute=True):
        message, delivery = waiting_message(applicant)  # the first attempt, at commit

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert "451" in delivery.last_error and "temporarily unavailable" in delivery.last_error
    first_retry = delivery.next_attempt_at
    assert first_retry - delivery.last_attempt_at == dt.timedelta(seconds=60)

    # With a broker, the task retries itself (see the worker test); the sweeper stands in for a
    # lost retry, and leaves the delivery alone until its retry is clearly late.
    assert send_unsent(now=first_retry) == {}
    assert send_unsent(now=first_retry + dt.timedelta(minutes=3)) == {"retry": 1}
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(seconds=120)

    later = delivery.next_attempt_at + dt.timedelta(minutes=3)
    assert send_unsent(now=later) == {"sent": 1}
    assert flaky.refused == 2
    assert [email.subject for email in mail.outbox] == [message.subject]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 3, "")
    assert send_unsent(now=later + dt.timedelta(hours=1)) == {}


def test_the_delay_doubles_up_to_an_hour():
    assert [retry_delay(attempt) for attempt in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_after_the_last_attempt_the_delivery_is_failed_with_the_error(applicant, flaky, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    flaky.failures_left = 10
    message, delivery = waiting_message(applicant)

    for _attempt in range(3):
        deliver(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 3
    assert "SMTPDataError" in delivery.last_error
    assert mail.outbox == []


def test_an_address_the_server_refuses_fails_at_once(applicant, settings):
    settings.EMAIL_BACKEND = "tests.test_notifications_delivery.RefusingBackend"
    message, delivery = waiting_message(applicant)

    assert deliver(delivery.pk).outcome == "failed"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    assert "No such user" in delivery.last_error


def test_an_attachment_that_cannot_be_made_is_a_failed_attempt(applicant):
    application = ApplicationFactory(lead=applicant)
    [message] = notify(
        Event.APPLICATION_REOPENED,
        [applicant],
        {"application": application_facts(application)},
        attachments=[("applications.receipts.receipt_attachment", [987654])],
    )
    delivery = message.deliveries.get()

    assert deliver(delivery.pk).outcome == "retry"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and "DoesNotExist" in delivery.last_error
    assert mail.outbox == []


# Sent once


def test_a_task_that_runs_twice_sends_once(applicant):
    message, delivery = waiting_message(applicant)

    first = send_delivery.apply((delivery.pk,))
    second = send_delivery.apply((delivery.pk,))  # e.g. redelivered after a worker died

    assert (first.result, second.result) == ("sent", "skipped")
    assert len(mail.outbox) == 1
    assert send_unsent(now=timezone.now() + dt.timedelta(hours=1)) == {}
    assert len(mail.outbox) == 1


def test_the_residual_window_a_worker_dying_between_the_server_and_the_commit(applicant, settings):
    """Documented limit: the server accepted, the worker died before COMMIT. The mark rolls back,
    so the message is sent again, with the same Message-ID for mail systems to recognise."""
    settings.EMAIL_BACKEND = "tests.test_notifications_delivery.DyingBackend"
    message, delivery = waiting_message(applicant)

    with pytest.raises(SystemExit):
        deliver(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(delivery.pk).outcome == "sent"
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the file)"
)
@pytest.mark.django_db(transaction=True)
def test_a_delivery_another_worker_is_sending_is_skipped(applicant):
    """While one worker holds the row (it is talking to the mail server), another skips it."""
    message, delivery = waiting_message(applicant)
    # Outside a transaction the e-mail went at once: make it pending again for this test.
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PENDING, attempts=0)
    mail.outbox.clear()
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(pk=delivery.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert deliver(delivery.pk).outcome == "skipped"
        assert mail.outbox == []
    finally:
        release.set()
        thread.join(10)
    assert deliver(delivery.pk).outcome == "sent"
    assert len(mail.outbox) == 1


# The broker is down


def test_with_the_broker_down_the_submission_succeeds_and_the_sweeper_sends_the_receipt(
    applicant, broker_down, django_capture_on_commit_callbacks, caplog
):
    application = ApplicationFactory(lead=applicant, complete=True)

    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_application(application, applicant)

    assert submission.pk and mail.outbox == []
    assert "Connection refused" in caplog.text or "Error 111" in caplog.text
    delivery = Delivery.objects.get(message__user=applicant)
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 0

    # The broker is back; beat runs the sweeper (here called directly, a few minutes later).
    assert send_unsent(now=timezone.now() + dt.timedelta(minutes=5)) == {"sent": 1}
    [email] = mail.outbox
    assert submission.fingerprint in email.body
    assert email.attachments[0][2] == "application/pdf"


def test_with_the_broker_down_signing_up_still_sends_the_confirmation_later(
    client, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "first_name": "Paul",
                "last_name": "Panne",
                "email": "panne@example.org",
                "password1": "correct horse battery staple",
                "password2": "correct horse battery staple",
            },
        )
    assert response.status_code == 302 and mail.outbox == []

    send_unsent(now=timezone.now() + dt.timedelta(minutes=5))

    [email] = mail.outbox
    assert email.to == ["panne@example.org"]
    assert "http://testserver/accounts/confirm-email/" in email.body


# Account e-mails


def test_account_emails_go_through_the_outbox_but_not_to_an_inbox(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="lectrice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "lectrice@example.org"})

    [email] = mail.outbox
    message = Message.objects.get()
    assert message.event == "account" and message.user is None and not message.in_inbox
    assert message.email == "lectrice@example.org" and message.subject == email.subject
    assert message.deliveries.get().state == DeliveryState.SENT
