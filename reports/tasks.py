"""Celery tasks of the reports (found by config.celery's autodiscovery)."""

from celery import shared_task

from .governance.jobs import build, fail_stalled

# A dossier book of several hundred applications takes minutes, not hours: past this, the
# build stops and the report is marked failed (SoftTimeLimitExceeded is caught like any error).
SOFT_TIME_LIMIT = 30 * 60


@shared_task(soft_time_limit=SOFT_TIME_LIMIT, time_limit=SOFT_TIME_LIMIT + 60)
def build_report(report_id) -> str:
    """Build one governance report, recording its progress; returns its final state."""
    return build(report_id)


@shared_task
def fail_stalled_reports() -> int:
    """Run by celery beat: reports whose task was lost or whose worker died are marked failed."""
    return fail_stalled()
