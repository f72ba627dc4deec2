"""Governance reports (reports.Report) that copy what was anonymised. A dossier book prints each
submitted snapshot with its reviews and the reviewers' names; a call report names the reviewers,
their conflicts of interest and the person it was made for. Once a dossier of their call is
anonymised, or someone they name (a lead, a reviewer, their reader), the copy would outlive what
it copied: the retention run deletes them, row and file, and staff build them again from what
remains.

Programme and year reports are kept: they show figures per call, programme, kind of call and
institution, and name no one.

A report is judged by when its data were read (Report.data_date): one built after the
anonymisation is kept; one still being built when it happened has no date yet, and the next run
deletes it once it is done.
"""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef

from reports.models import Report

from .anonymise import delete_files
from .models import Anonymisation

logger = logging.getLogger(__name__)


def outdated_reports():
    """The reports about a call whose data were read before an application of the call, its
    lead or one of its reviewers, or the person the report was made for, was anonymised."""
    call = OuterRef("call")
    later = Anonymisation.objects.filter(done_at__gt=OuterRef("data_date"))
    return Report.objects.filter(call__isnull=False, data_date__isnull=False).filter(
        Exists(later.filter(application__call=call))
        | Exists(later.filter(user__applications__call=call))
        | Exists(later.filter(user__review_assignments__application__call=call))
        | Exists(later.filter(user=OuterRef("built_for")))
    )


def delete_outdated_reports():
    """Delete the outdated reports, their files once the deletion has committed. Returns how
    many."""
    with transaction.atomic():
        reports = list(outdated_reports().only("pk", "file"))
        files = [(report.file.storage, report.file.name) for report in reports if report.file]
        Report.objects.filter(pk__in=[report.pk for report in reports]).delete()
        transaction.on_commit(lambda: delete_files(files))
    if reports:
        logger.info("Retention: %s governance reports deleted.", len(reports))
    return len(reports)
