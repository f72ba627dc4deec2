"""Reports asked for on the site: a row queued at once, built by a Celery task that records its
progress, stores the PDF in private storage and tells the person who asked.

A failed build keeps its row, with the error, and leaves every earlier report as it was. A task
delivered twice (a worker died) builds again unless the report is already done. A report whose
task was lost (the broker restarted without keeping its queue) or whose worker died for good is
marked failed by fail_stalled(), run every few minutes by celery beat, so that nobody waits for it.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from calls.facts import call_facts, in_language
from notifications.events import Event
from notifications.services import notify

from ..models import Report, ReportKind, ReportState
from .documents import build_document
from .registry import report_type

logger = logging.getLogger(__name__)
ERROR_LENGTH = 2000
# A report about every year (the funded projects report), as its message names its year.
EVERY_YEAR = gettext_lazy("every year")


def request_report(user, kind, *, call=None, programme=None, year=None, language):
    """Queue a report; the same report still waiting or being built is returned instead of a
    second one. The task starts once the current transaction commits. Raises
    ReportSubjectMissing when the kind needs a call or a year that is not given."""
    report_type(kind).check(call=call, year=year)
    same = Report.objects.filter(
        kind=kind,
        call=call,
        programme=programme,
        year=year,
        language=language,
        requested_by=user,
        state__in=(ReportState.QUEUED, ReportState.RUNNING),
    ).first()
    if same is not None:
        return same
    report = Report.objects.create(
        kind=kind,
        call=call,
        programme=programme,
        year=year,
        language=language,
        requested_by=user,
    )
    report_id = report.pk
    transaction.on_commit(lambda: enqueue(report_id))
    return report


def enqueue(report_id):
    """Hand the build to Celery; if the broker cannot take it, the report says so."""
    from ..tasks import build_report

    try:
        build_report.delay(report_id)
    except Exception as error:  # the broker is down: the row must not wait forever
        logger.exception("Report %s could not be queued", report_id)
        fail(report_id, error)


def set_progress(report_id, percent):
    Report.objects.filter(pk=report_id).update(progress=percent)


def fail(report_id, error):
    Report.objects.filter(pk=report_id).update(
        state=ReportState.FAILED,
        error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
        finished_at=timezone.now(),
    )


def fail_stalled(now=None):
    """Mark failed the reports still waiting after REPORTS_QUEUED_STALL seconds (their task was
    lost) and those still being built after REPORTS_RUNNING_STALL seconds (past the task's hard
    time limit, so no worker is building them). Returns how many. The conditional updates
    leave alone a report that started or finished meanwhile."""
    now = now or timezone.now()
    waited, ran = settings.REPORTS_QUEUED_STALL, settings.REPORTS_RUNNING_STALL
    stalls = [
        (ReportState.QUEUED, "created_at", waited, "no worker started the build"),
        (ReportState.RUNNING, "started_at", ran, "the build did not finish"),
    ]
    counts = [
        Report.objects.filter(
            state=state, **{f"{since}__lt": now - dt.timedelta(seconds=seconds)}
        ).update(
            state=ReportState.FAILED,
            finished_at=now,
            error=f"{what} within {seconds // 60} minutes",
        )
        for state, since, seconds, what in stalls
    ]
    if any(counts):
        logger.warning("Reports marked failed: %s never started, %s never finished", *counts)
    return sum(counts)


def build(report_id):
    """Build report `report_id` (the task's body). Returns its final state."""
    report = (
        Report.objects.select_related("call__programme", "programme", "requested_by__institution")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.state == ReportState.DONE:
        return "skipped"
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, progress=5, started_at=timezone.now(), error=""
    )
    # A call report or a dossier book is built for the person who asked: what they may not
    # read is left out or withheld, and recorded (reports.governance.readers).
    reader = report.requested_by if report.report_type.built_for_reader else None
    try:
        document = build_document(
            report.kind,
            call=report.call,
            programme=report.programme,
            year=report.year,
            language=report.language,
            reader=reader,
            progress=lambda percent: set_progress(report.pk, percent),
        )
        report.file.save("report.pdf", ContentFile(document.pdf), save=False)
    except Exception as error:  # recorded on the report, for the page and for staff
        logger.exception("Report %s failed", report.pk)
        fail(report.pk, error)
        return ReportState.FAILED.value
    with transaction.atomic():
        report.state = ReportState.DONE
        report.progress = 100
        report.pages = document.pages
        report.data_date = document.data_date
        report.finished_at = timezone.now()
        report.error = ""
        report.built_for = reader
        report.withheld = sorted(document.withheld)
        report.save(
            update_fields=[
                "state", "progress", "pages", "data_date", "finished_at", "error", "file",
                "built_for", "withheld",
            ]
        )  # fmt: skip
        tell_requester(report)
    return ReportState.DONE.value


def tell_requester(report):
    person = report.requested_by
    if person is None or not person.is_active:
        return
    year = (report.year or EVERY_YEAR) if report.report_type.about_programmes else None
    notify(
        Event.REPORT_READY,
        [person],
        {
            "call": call_facts(report.call) if report.call else None,
            "context": {
                # Lazy texts: rendered in the recipient's language.
                "kind": ReportKind(report.kind).label,
                "programme": in_language(lambda: str(report.programme))
                if report.programme
                else None,
                "year": year,
                "pages": report.pages,
            },
        },
        url=reverse("reports:progress", args=[report.pk]),
    )
