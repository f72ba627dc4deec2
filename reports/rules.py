"""Who may ask for and read governance reports: the one place that says it (django-rules).

Staff and council members (permission decisions.read_decisions) read the programme reports. A
call report and a dossier book hold scores and reviews: like the dossier pages, they are closed to
a council member in conflict with one of their dossiers or who owes a review of one, unless they
were made for them (their own call report withholds those dossiers' scores, their own book leaves
them out). Views answer 404 to everyone else.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from applications.models import Application
from applications.rules import is_programme_staff

from .governance.dossier_book import BOOK_STATES, withheld_for
from .governance.jobs import BUILT_FOR_READER
from .models import Report


@rules.predicate
def reads_decisions(user):
    return user.has_perm("decisions.read_decisions")


@rules.predicate
def asked_for_it(user, report):
    return report.requested_by_id is not None and report.requested_by_id == user.id


@rules.predicate
def is_built_for_reader(user, report):
    """A call report or a dossier book: what it shows depends on whom it was made for."""
    return report.kind in BUILT_FOR_READER


@rules.predicate
def may_read_every_dossier(user, report):
    """No conflict of interest and no review owed on any dossier of the report's call."""
    known = user.__dict__.setdefault("_reports_withheld", {})  # once per request and call
    if report.call_id not in known:
        applications = list(
            Application.objects.filter(call_id=report.call_id, state__in=BOOK_STATES)
        )
        known[report.call_id] = bool(withheld_for(user, applications))
    return not known[report.call_id]


rules.add_perm("reports.request_reports", reads_decisions)
rules.add_perm(
    "reports.read_report",
    reads_decisions
    & (~is_built_for_reader | is_programme_staff | asked_for_it | may_read_every_dossier),
)


def report_or_404(user, pk):
    """The report with what its pages show, if `user` may read it; 404 otherwise."""
    report = get_object_or_404(
        Report.objects.select_related("call", "programme", "requested_by"), pk=pk
    )
    if not user.has_perm("reports.read_report", report):
        raise Http404
    return report
