"""Celery tasks: send one delivery (retried with exponential backoff), the sweeper that sends
whatever was left pending, and the daily digest.

A task may run twice (acks_late redelivers it when a worker dies): deliver() sends once.
"""

import datetime as dt
import logging
from collections import Counter

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .delivery import deliver
from .models import Delivery, DeliveryState

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None)
def send_delivery(self, delivery_id) -> str:
    """Send one delivery; on failure, try again after the delay the delivery records."""
    result = deliver(delivery_id)
    if result.retry_in is not None and not self.request.is_eager:
        # If the broker is down now, the retry is lost but the row is not: the sweeper sends it.
        # Run in-process (no broker), the task leaves the retry to the sweeper as well, rather
        # than keep the user's request waiting on a mail server that just failed.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task
def send_unsent(now=None) -> dict:
    """Send the deliveries still pending some time after they were due (the broker was down, a
    worker died, a retry was lost). Runs every minute from beat; bounded per run."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            state=DeliveryState.PENDING,
            next_attempt_at__lte=now - dt.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: settings.NOTIFICATIONS_SWEEP_BATCH]
    )
    outcomes = Counter(deliver(delivery_id).outcome for delivery_id in list(due))
    if outcomes:
        logger.info("Sweeper: %s", dict(outcomes))
    return dict(outcomes)


@shared_task
def send_daily_digests() -> int:
    from .digests import send_digests

    return send_digests()
