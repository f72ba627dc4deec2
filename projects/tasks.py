"""Periodic work of funded projects (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import messages, report_messages


@shared_task
def remind_unsigned_agreements():
    """Remind staff and leads of agreements unsigned after AGREEMENT_REMINDER_DAYS, at most
    once a day each. Returns the number of messages written."""
    return messages.remind_unsigned_agreements()


@shared_task
def remind_reports():
    """Remind leads and their team of reports due soon or late, at most once a day each.
    Returns the number of messages written."""
    return report_messages.remind_reports()
