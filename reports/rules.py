"""Who may ask for and read governance reports: the one place that says it (django-rules).

Staff and council members (permission decisions.read_decisions) read the programme reports. A
call report and a dossier book hold scores and reviews: like the dossier pages, they are closed to
a council member in conflict with one of their dossiers or who owes a review of one, unless they
were built for them and withheld all of those (their own call report withholds those dossiers'
scores, their own book leaves them out). Asked again at each reading: a conflict that appears
after the build closes the report to them (reports.governance.readers). Views answer 404 to
everyone else.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import is_programme_staff, reads_decisions

from .governance.readers import withheld_in, withholds_all_they_may_not_read
from .models import Report


@rules.predicate
def is_built_for_reader(user, report):
    """A call report or a dossier book: what it shows depends on whom it was made for."""
    return report.report_type.built_for_reader


@rules.predicate
def withholds_what_they_may_not_read(user, report):
    """What `user` may not read of the report's call now (conflict of interest, review owed)
    was withheld from it when it was built for them; or nothing is withheld from them now."""
    known = user.__dict__.setdefault("_reports_withheld", {})  # once per request and call
    if report.call_id not in known:
        known[report.call_id] = set(withheld_in(report.call_id, user))
    return withholds_all_they_may_not_read(report, user, known[report.call_id])


rules.add_perm("reports.request_reports", reads_decisions)
rules.add_perm(
    "reports.open_report",
    reads_decisions
    & (~is_built_for_reader | is_programme_staff | withholds_what_they_may_not_read),
)


def report_or_404(user, pk):
    """The report with what its pages show, if `user` may read it; 404 otherwise."""
    report = get_object_or_404(
        Report.objects.select_related("call", "programme", "requested_by"), pk=pk
    )
    if not user.has_perm("reports.open_report", report):
        raise Http404
    return report
