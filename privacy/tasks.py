"""Celery task: the nightly retention run (the beat entry "privacy.tasks.run_retention" in
config/settings/base.py, at RETENTION_RUN_HOUR)."""

from celery import shared_task
from django.utils import timezone

from . import retention


@shared_task
def run_retention() -> dict:
    """Anonymise what is past its period now; returns the counts per rule (also written in the
    run's PrivacyEvent)."""
    return retention.run(timezone.now()).counts
