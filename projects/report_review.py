"""Staff's review of a submitted report: accept it, or ask for changes on named questions with a
comment and a new due date. Both are moves of the REPORT table (projects.reports), made through
common.transitions.perform under the rule "projects.review_report" (programme staff, while the
project is still funded and not ended); the lead and the team are told in the same transaction
(projects.report_messages). An accepted report meets the condition of the instalments that
wait for it (projects.payments.condition_met).

Choices made here:
- Changes are asked on questions of the report's frozen copy (block ids), or on the spending
  table of a financial statement: the lead sees which answers to revise. At least one.
- The new due date is staff's (due_set_by_staff): the project's dates no longer move it.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.blocks import frozen_question
from common.transitions import check, perform

from .models import ProjectReport, ProjectState, ReportState
from .report_messages import SPENDING, report_reviewed
from .reports import REPORT, ReportError, has_spending, locked


def why_not_reviewable(report, actor):
    """Why `actor` may not review `report` now, in their words (None: the state's message)."""
    if report.state != ReportState.SUBMITTED:
        return None
    project = report.project
    if not project.decision.is_funded or project.state in ProjectState.ended:
        return _("This project has ended or is no longer funded: its reports are not reviewed.")
    return _("Only programme staff review a project's reports.")


def changeable(report):
    """[(block id, label)] of what changes can be asked on: the report's questions (its
    sections aside), then the spending table of a financial statement."""
    found = []
    for question in report.questions:
        kind, value = frozen_question(question)
        if not kind.is_section:
            found.append((question.get("id") or "", kind.label_text(value)))
    if has_spending(report):
        found.append((SPENDING, _("Spending per budget category")))
    return found


def review_problems(report, questions, comment, due_on, today):
    """{field: [message]} of what is wrong in a request for changes."""
    problems = {}
    known = {block_id for block_id, _label in changeable(report)}
    unknown = [block_id for block_id in questions if block_id not in known]
    if unknown:
        problems["questions"] = [
            _("These are not questions of this report: %(ids)s.") % {"ids": ", ".join(unknown)}
        ]
    elif not questions:
        problems["questions"] = [_("Choose at least one question to change.")]
    if not (comment or "").strip():
        problems["comment"] = [_("Say what to change: the lead reads this comment.")]
    if due_on is None:
        problems["due_on"] = [_("Give the new due date.")]
    elif due_on < today:
        problems["due_on"] = [_("The new due date cannot be in the past.")]
    return problems


def check_read(report, submission_number):
    """Refuse a review of any submission but the latest: the reviewer must have read what they
    accept or send back (a page opened before the lead submitted again shows an older one)."""
    latest = report.submissions.order_by("-number").values_list("number", flat=True).first()
    if submission_number != latest:
        raise ReportError(
            _(
                "This report was submitted again (submission no. %(latest)s) since the page "
                "you reviewed was opened: nothing was done. Read the new submission below "
                "before reviewing it."
            )
            % {"latest": latest}
        )


def accept_report(report, actor, comment="", *, submission_number):
    """Accept a submitted report, with an optional comment; returns it. `submission_number` is
    the submission the reviewer read: any but the latest is refused."""
    now = timezone.now()
    with transaction.atomic():
        report = locked(report)
        check(report, "accept", actor, REPORT, why_not_reviewable)
        check_read(report, submission_number)
        comment = (comment or "").strip()
        return perform(
            report,
            "accept",
            actor,
            REPORT,
            reason=comment,
            changes={
                "changes_on": [],
                "review_comment": comment,
                "reviewed_by": actor,
                "reviewed_at": now,
            },
            why_not=why_not_reviewable,
            notify=report_reviewed,
        )


def ask_for_changes(report, actor, *, submission_number, questions, comment, due_on):
    """Send a submitted report back to the lead: the questions to change (block ids of its
    frozen questions, or "spending"), a comment, a new due date (today or later), about the
    submission the reviewer read (`submission_number`: any but the latest is refused). Returns
    it; raises ReportError with the problems beside their fields ("questions", "comment",
    "due_on")."""
    now = timezone.now()
    with transaction.atomic():
        report = locked(report)
        check(report, "ask_changes", actor, REPORT, why_not_reviewable)
        check_read(report, submission_number)
        questions = list(dict.fromkeys(questions or ()))
        problems = review_problems(report, questions, comment, due_on, timezone.localdate(now))
        if problems:
            raise ReportError(problems=problems)
        comment = comment.strip()
        return perform(
            report,
            "ask_changes",
            actor,
            REPORT,
            reason=comment,
            changes={
                "changes_on": questions,
                "review_comment": comment,
                "reviewed_by": actor,
                "reviewed_at": now,
                "due_on": due_on,
                "due_set_by_staff": True,
            },
            why_not=why_not_reviewable,
            notify=report_reviewed,
        )


# Staff's list


def reports_for_staff(*, state=None, late=False, programme=None, call=None, today=None):
    """Every project's reports with their project, application and call (one query), the
    soonest due first; filtered by state, lateness (owed with its due date passed), programme
    and call."""
    today = today or timezone.localdate()
    reports = ProjectReport.objects.select_related(
        "project__decision__application__call__programme"
    ).order_by(F("due_on").asc(nulls_last=True), "project_id", "pk")
    if state:
        reports = reports.filter(state=state)
    if late:
        reports = reports.filter(state__in=ReportState.owed, due_on__lt=today)
    if programme is not None:
        reports = reports.filter(project__decision__application__call__programme=programme)
    if call is not None:
        reports = reports.filter(project__decision__application__call=call)
    return reports
