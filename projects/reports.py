"""What a funded project owes, on the lead's side: the reports planned from its call's
requirements, their due dates, their drafts and their submissions.

A report is drafted as an application is (the same question blocks, autosave, a version that
refuses a second tab's stale save), then frozen at each submission with its fingerprint. Its
moves are the REPORT table below, made through common.transitions.perform; staff's review
(accept, ask for changes) lives in projects.report_review and only calls perform() on it.

Each kind of report carries its behaviour in KINDS (STYLE habit 15): adding one touches that
one place (and calls.models.ReportKind).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import audit
from applications.models import AuditSubject, TeamInvitation
from applications.snapshot import fingerprint, money
from calls.blocks import frozen_question
from calls.models import CallReport, DueFrom, ReportKind
from common.errors import Refused
from common.permissions import require
from common.transitions import Move, Workflow, check, perform
from common.versions import raise_version, saved_at
from decisions.models import Outcome

from .models import (
    Project,
    ProjectReport,
    ProjectState,
    ReportSubmission,
    add_months,
)
from .models import ReportState as State
from .report_messages import report_submitted
from .report_spending import as_amount, granted_by_category, spending_rows

WRITE = "projects.write_report"
SUBMIT = "projects.submit_report"
REVIEW = "projects.review_report"


class ReportError(Refused):
    """A change to a report that its state, its project or the person does not allow."""


class StaleReport(ReportError):
    """The report changed since this copy was loaded (another tab, another team member)."""


class ReportRefused(ReportError):
    """Submission refused; `problems` maps "answers.<id>" and "spending.<category>" to messages."""

    def __init__(self, problems):
        super().__init__(_("The report cannot be submitted yet."), problems)


# The kinds


@dataclass(frozen=True)
class ReportKindSpec:
    """How one kind of report behaves: whether closure needs it accepted (`is_final`), whether
    it states the spending per budget category against the budget granted (`has_spending`)."""

    is_final: bool = False
    has_spending: bool = False


KINDS = {
    ReportKind.DATA_MANAGEMENT_PLAN: ReportKindSpec(),
    ReportKind.INTERIM: ReportKindSpec(),
    ReportKind.FINAL_SCIENTIFIC: ReportKindSpec(is_final=True),
    ReportKind.FINAL_FINANCIAL: ReportKindSpec(is_final=True, has_spending=True),
}


def spec(report):
    return KINDS.get(report.kind, ReportKindSpec())


def final_kinds():
    """The kinds a project's closure needs accepted."""
    return [kind for kind, behaviour in KINDS.items() if behaviour.is_final]


def has_spending(report):
    return spec(report).has_spending


# Due dates


def due_date(project, requirement):
    """When a report is due: `due_months` after the project's start, or after its end when the
    requirement counts from the end (an extension moves it). None until the start is known.

    From the end, it counts from the day after the project's last day, then steps back one day:
    a project of 9 months from 1 January ends on 30 September and owes a report 3 months after
    on 31 December, where adding 3 months to 30 September would say 30 December."""
    if project.start_date is None:
        return None
    if requirement.due_from != DueFrom.END:
        return add_months(project.start_date, requirement.due_months)
    if not project.duration_months:
        return None
    months = project.duration_months + requirement.due_months
    return add_months(project.start_date, months) - dt.timedelta(days=1)


def plan_reports(project):
    """One report per requirement of the project's call, made once (idempotent), and the due
    dates of those not yet submitted recomputed from the project's dates, unless staff set
    one. Called wherever a project is made or its start or duration changes; returns it."""
    call_id = project.decision.application.call_id
    existing = {report.requirement_id: report for report in project.reports.all()}
    for requirement in CallReport.objects.filter(call_id=call_id).order_by("sort_order", "pk"):
        due_on = due_date(project, requirement)
        report = existing.get(requirement.pk)
        if report is None:
            ProjectReport.objects.get_or_create(
                project=project,
                requirement=requirement,
                defaults={
                    "kind": requirement.kind,
                    "title_fr": requirement.title_fr,
                    "title_en": requirement.title_en,
                    "questions": list(requirement.questions.raw_data),
                    "due_on": due_on,
                },
            )
        elif (
            report.state == State.DRAFT and not report.due_set_by_staff and report.due_on != due_on
        ):
            report.due_on = due_on
            report.save(update_fields=["due_on", "updated_at"])
    return project


def plan_reports_of_call(call):
    """Plan again the reports of the call's projects not ended: a requirement added to a call
    after its projects exist is owed as soon as the call is published (Wagtail's `published`
    signal, connected in projects.apps: calls does not know projects)."""
    projects = Project.objects.filter(decision__application__call=call).exclude(
        state__in=ProjectState.ended
    )
    for project in projects.select_related("decision__application"):
        plan_reports(project)


def on_call_published(sender, instance, **kwargs):
    plan_reports_of_call(instance)


def is_late(report, today=None):
    """Still owed and its due date passed."""
    today = today or timezone.localdate()
    return report.state in State.owed and report.due_on is not None and report.due_on < today


# The moves


def record_move(report, actor, action, previous, target, reason):
    """A report's move, in its application's audit trail."""
    return audit.record(
        report.project.decision.application_id,
        actor,
        AuditSubject.REPORT,
        action,
        previous,
        target,
        f"{report.title_fr} — {reason}" if reason else report.title_fr,
    )


# action: the states it may start from, the state it leads to, the rule that says who and when.
REPORT = Workflow(
    states=State,
    initial={State.DRAFT},
    moves={
        "submit": Move(
            {State.DRAFT, State.CHANGES_REQUESTED},
            State.SUBMITTED,
            SUBMIT,
            gettext_lazy("A report that is %(state)s cannot be submitted."),
        ),
        "accept": Move(
            {State.SUBMITTED},
            State.ACCEPTED,
            REVIEW,
            gettext_lazy("A report that is %(state)s cannot be accepted."),
        ),
        "ask_changes": Move(
            {State.SUBMITTED},
            State.CHANGES_REQUESTED,
            REVIEW,
            gettext_lazy("Changes cannot be asked on a report that is %(state)s."),
        ),
    },
    error=ReportError,
    record=record_move,
    # Every move makes the copies loaded elsewhere stale (save_report_draft).
    changes=lambda: {"version": F("version") + 1, "updated_at": timezone.now()},
)


def for_rules(report):
    """The report with what its rules and pages read, in one query."""
    return ProjectReport.objects.select_related(
        "project__decision__application__call", "project__decision__application__lead"
    ).get(pk=report.pk)


def locked(report):
    return (
        ProjectReport.objects.select_for_update(of=("self",))
        .select_related(
            "project__decision__application__call", "project__decision__application__lead"
        )
        .get(pk=report.pk)
    )


def why_not_writable(report, user):
    """Why `user` may not change `report` now, in their words."""
    if not report.is_editable:
        return _("This report is %(state)s: it can no longer be changed.") % {
            "state": report.get_state_display().lower()
        }
    project = report.project
    if not project.decision.is_funded or project.state in ProjectState.ended:
        return _("This project has ended: its reports can no longer be changed.")
    return _("Only the lead and the team of the project can write its reports.")


# Drafts


def editing(report, version):
    """Raise the version by one if nobody saved the report since `version` was loaded, in the
    caller's transaction; raises StaleReport otherwise (nothing is saved)."""
    current = raise_version(
        ProjectReport.objects.filter(state__in=State.editable), report.pk, version
    )
    if current is not None:
        if not current.is_editable:
            raise ReportError(why_not_writable(current, None))
        raise StaleReport(
            _(
                "This report was changed elsewhere (another tab or a team member) at "
                "%(time)s. Your changes were not saved: copy them, reload the page, and apply "
                "them again."
            )
            % {"time": saved_at(current)}
        )
    report.refresh_from_db(fields=["version", "updated_at"])


def save_report_draft(report, version, *, actor, answers, spending=None):
    """Save the answers (and the spending per budget category, for a financial statement);
    returns the new version. Only as the rule projects.write_report allows; a `version` older
    than the saved one is refused and nothing is saved."""
    require(actor, WRITE, report, ReportError, why_not_writable(report, actor))
    with transaction.atomic():
        editing(report, version)
        report.answers = answers
        fields = ["answers"]
        if spending is not None and has_spending(report):
            report.spending = {category: money(amount) for category, amount in spending.items()}
            fields.append("spending")
        report.save(update_fields=fields)
    return report.version


# Submission


def why_not_submittable(report, user):
    if report.state == State.SUBMITTED:
        return _("This report was already submitted.")
    if report.state == State.ACCEPTED:
        return _("This report was accepted: it can no longer be changed.")
    return why_not_writable(report, user)


def submit_report(report, actor, now=None):
    """Check every answer and the spending, then freeze the report in one transaction: its
    submission (snapshot and fingerprint) and the move. Returns the ReportSubmission."""
    now = now or timezone.now()
    with transaction.atomic():
        report = locked(report)
        check(report, "submit", actor, REPORT, why_not_submittable)
        problems = report_problems(report)
        if problems:
            raise ReportRefused(problems)
        content = build_snapshot(report, now)
        submission = ReportSubmission.objects.create(
            report=report,
            number=report.submissions.count() + 1,
            received_at=now,
            submitted_by=actor,
            content=content,
            fingerprint=fingerprint(content),
        )
        perform(report, "submit", actor, REPORT, changes={"submitted_at": now})
        report_submitted(submission)  # programme staff are told, with the move
    return submission


def report_problems(report):
    """{field: [message]}: every answer checked against the report's frozen questions, and the
    spending of a financial statement."""
    problems = {}
    files = files_by_question(report)
    for question in report.questions:
        kind, value = frozen_question(question)
        if kind.is_section:
            continue
        block_id = question.get("id") or ""
        answer = files.get(block_id, []) if kind.is_file else report.answers.get(block_id)
        for message in kind.answer_problems(value, answer):
            problems.setdefault(f"answers.{block_id}", []).append(message)
    if has_spending(report):
        problems.update(spending_problems(report))
    return problems


def spending_problems(report):
    problems = {}
    for category in granted_by_category(report.project):
        amount = as_amount(report.spending.get(category))
        if amount is None:
            problems[f"spending.{category}"] = [_("Give the amount spent, 0 if none.")]
        elif amount < 0:
            problems[f"spending.{category}"] = [_("An amount cannot be negative.")]
    return problems


def in_draft(report):
    """The report's files in its draft (not those superseded since a submission)."""
    return report.attachments.filter(superseded=False)


def files_by_question(report):
    files = {}
    for attachment in in_draft(report):
        files.setdefault(attachment.question_id, []).append(attachment)
    return files


def build_snapshot(report, received_at):
    """Everything submitted, with a copy of the questions and of the budget granted as they
    were: the receipt and every later reading come from here alone."""
    project = report.project
    application = project.decision.application
    content = {
        "reference": application.reference,
        "project_title": application.title,
        "report": {"kind": report.kind, "title_fr": report.title_fr, "title_en": report.title_en},
        "due_on": report.due_on.isoformat() if report.due_on else None,
        "received_at": received_at.isoformat(),
        "questions": list(report.questions),
        "answers": report.answers,
        "attachments": [
            {
                "question_id": attachment.question_id,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in in_draft(report)
        ],
    }
    if has_spending(report):
        content["spending"] = [
            {
                "category": row["category"],
                "granted": money(row["granted"]),
                "spent": money(row["spent"]),
            }
            for row in spending_rows(report)
        ]
    return content


def owed_by_projects_of(user):
    """The reports still owed by the projects, still funded and not ended, that `user` leads or
    whose team they joined; the earliest due first (those without a date last)."""
    joined = TeamInvitation.objects.joined(user).values("application_id")
    return (
        ProjectReport.objects.filter(state__in=State.owed)
        .filter(
            Q(project__decision__application__lead=user)
            | Q(project__decision__application__in=joined)
        )
        .filter(project__decision__outcome=Outcome.FUNDED)
        .exclude(project__state__in=ProjectState.ended)
        .select_related("project__decision__application")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
