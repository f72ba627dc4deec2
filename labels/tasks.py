"""Periodic work of the registry (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import lapses


@shared_task
def record_lapses():
    """Record the labels that lapsed (expired yesterday or before, Paris) and tell their
    holders, once per expiry. Returns the number of lapses recorded."""
    return len(lapses.record_lapses())
