"""E-mail delivery through Celery: queued after the transaction commits, retried with backoff."""

import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction

logger = logging.getLogger(__name__)


def queue_email(message: EmailMultiAlternatives) -> None:
    """Send a rendered message from a worker once the current transaction has committed."""
    payload = {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "alternatives": [[content, mimetype] for content, mimetype in message.alternatives],
    }
    # robust: if the broker is down, the user's action still succeeds and the failure is logged.
    transaction.on_commit(lambda: send_email.delay(payload), robust=True)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
)
def send_email(self, payload: dict) -> int:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload.get("cc") or [],
        bcc=payload.get("bcc") or [],
        reply_to=payload.get("reply_to") or [],
        connection=get_connection(),
    )
    for content, mimetype in payload.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    sent = message.send()
    logger.info("Sent e-mail %r to %d recipient(s)", payload["subject"], len(payload["to"]))
    return sent
