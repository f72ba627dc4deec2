"""Sending a delivery: once, whoever asks (the task queued at commit, a retry, the sweeper, a task
that runs twice).

How a delivery is sent once:
1. The e-mail is built first, outside any lock (attachments such as the PDF receipt are made now).
2. In one transaction, the row is locked with SELECT ... FOR UPDATE SKIP LOCKED, only if it is still
   pending: a second worker on the same delivery skips it instead of waiting, and one that comes
   later finds it sent. The row is marked sent, then the e-mail goes to the mail server, then the
   transaction commits. If the server refuses, the same transaction records the failure instead.
3. If the worker dies before the commit, the database drops the lock and the mark: the delivery is
   pending again and is sent by the redelivered task or the sweeper.

The one window left: the mail server has accepted the message and the worker dies before the
COMMIT reaches the database (one round trip). That message is sent a second time, with the same
Message-ID header, which lets mail systems recognise the copy. SMTP cannot be made part of a
database transaction, so this is the least that can be promised without losing messages instead.
"""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Delivery, DeliveryState
from .sealing import drop_sealed

logger = logging.getLogger(__name__)

UPDATED = ["state", "attempts", "last_attempt_at", "sent_at", "last_error", "next_attempt_at"]


@dataclass(frozen=True)
class Result:
    outcome: str  # "sent", "retry", "failed" or "skipped"
    retry_in: int | None = None


SKIPPED = Result("skipped")


def deliver(delivery_id) -> Result:
    """Send delivery `delivery_id` if it is still pending and nobody else is sending it."""
    delivery = Delivery.objects.select_related("message").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return SKIPPED
    try:
        email, problem = build_email(delivery), None
    except Exception as error:  # an attachment could not be made: a failed attempt
        email, problem = None, error
    with transaction.atomic():
        claimed = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, state=DeliveryState.PENDING)
            .first()
        )
        if claimed is None:
            return SKIPPED
        now = timezone.now()
        claimed.attempts += 1
        claimed.last_attempt_at = now
        if problem is None:
            claimed.state, claimed.sent_at, claimed.last_error = DeliveryState.SENT, now, ""
            claimed.save(update_fields=UPDATED)  # committed together with the sending below
            try:
                email.send()
            except Exception as error:
                problem = error
        if problem is None:
            drop_sealed(delivery.message_id)
            logger.info("Sent delivery %s (%s)", claimed.pk, delivery.message.event)
            return Result("sent")
        result = record_failure(claimed, problem, now)
        claimed.save(update_fields=UPDATED)
    return result


def record_failure(delivery, error, now) -> Result:
    delivery.sent_at = None
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    if is_permanent(error) or delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
        logger.error("Delivery %s failed for good: %s", delivery.pk, delivery.last_error)
        return Result("failed")
    delay = retry_delay(delivery.attempts)
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
    logger.warning(
        "Delivery %s failed (attempt %s), next in %s s: %s",
        delivery.pk,
        delivery.attempts,
        delay,
        delivery.last_error,
    )
    return Result("retry", retry_in=delay)


def retry_delay(attempts) -> int:
    """Seconds before the next attempt: the base delay, doubled after each failure, capped."""
    delay = settings.NOTIFICATIONS_RETRY_DELAY * 2 ** max(attempts - 1, 0)
    return min(delay, settings.NOTIFICATIONS_RETRY_DELAY_MAX)


def is_permanent(error) -> bool:
    """The server refused the address itself: trying again would not help."""
    return isinstance(error, smtplib.SMTPRecipientsRefused)


def build_email(delivery) -> EmailMultiAlternatives:
    message = delivery.message
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.sealed_text or message.text,
        to=[delivery.to],
        headers={
            # The same for every attempt of this delivery, so that a copy can be recognised.
            "Message-ID": f"<delivery-{delivery.pk}.{message.pk}@{mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    html = message.sealed_html or message.html
    if html:
        email.attach_alternative(html, "text/html")
    for provider, args in message.attachments:
        filename, content, mimetype = import_string(provider)(*args, language=message.language)
        email.attach(filename, content, mimetype)
    return email


def mail_domain():
    return urlsplit(settings.SITE_URL).hostname or "localhost"
