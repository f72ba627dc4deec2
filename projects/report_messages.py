"""What a funded project's people are told of its reports, through the outbox
(notifications.notify), as projects.messages tells of its agreement and money: a report
submitted (programme staff), accepted or sent back for changes (the lead and the team who
joined, with the comment, the questions to change and the new due date), and the daily reminder
of reports due soon or late.

The services call these functions inside their own transaction, with the report locked. Each
message says what it is about: a submission is reviewed once, so the submission names both its
receipt and its review, and telling twice tells nobody twice. Recipients read in their own
language and as their preferences say (notify).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.blocks import frozen_question
from calls.facts import in_language
from calls.models import ReportKind
from decisions.models import Outcome
from notifications.events import Event
from notifications.services import notify

from .messages import about_project, programme_staff, project_facts, project_url, team_of
from .models import ProjectReport, ProjectState, ReportState

# The financial statement's spending table, named beside the questions when changes are asked.
SPENDING = "spending"


def review_url(report):
    return reverse("projects:review_report", args=[report.pk])


def question_labels(report):
    """{block id: label read in the recipient's language} of the report's frozen questions, and
    the spending table's."""
    labels = {SPENDING: _("Spending per budget category")}
    for question in report.questions:
        kind, value = frozen_question(question)
        if not kind.is_section:
            labels[question.get("id") or ""] = in_language(
                lambda kind=kind, value=value: kind.label_text(value)
            )
    return labels


def report_facts(report, submission=None):
    """The report as messages state it; `submission` its latest (received, number)."""
    labels = question_labels(report)
    return {
        "title": in_language(lambda: report.title),
        "kind_label": ReportKind(report.kind).label if report.kind in ReportKind.values else "",
        "due_on": report.due_on,
        "state_label": ReportState(report.state).label,
        "submission": submission.number if submission else None,
        "received_at": submission.received_at if submission else None,
        "comment": report.review_comment,
        "changes_on": [labels[block_id] for block_id in report.changes_on if block_id in labels],
        "url": in_language(lambda: f"{settings.SITE_URL}{project_url(report.project)}"),
    }


def latest_submission(report):
    return report.submissions.order_by("-number").first()


def about(submission):
    return f"projects.reportsubmission:{submission.pk}"


# The events


def report_submitted(submission):
    """A report submitted: programme staff (but whoever submitted, were it staff) are told."""
    report = submission.report
    project = report.project
    notify(
        Event.PROJECT_REPORT_SUBMITTED,
        programme_staff(but=submission.submitted_by),
        {**about_project(project), "report": report_facts(report, submission)},
        url=review_url(report),
        about=about(submission),
    )


def report_reviewed(report):
    """A report accepted or sent back for changes: the lead and the team who joined are told
    (with the comment, the questions to change and the new due date)."""
    if report.state not in (ReportState.ACCEPTED, ReportState.CHANGES_REQUESTED):
        return
    submission = latest_submission(report)
    project = report.project
    event = (
        Event.PROJECT_REPORT_ACCEPTED
        if report.state == ReportState.ACCEPTED
        else Event.PROJECT_REPORT_CHANGES
    )
    notify(
        event,
        team_of(project),
        {**about_project(project), "report": report_facts(report, submission)},
        url=project_url(project),
        about=about(submission) if submission else f"projects.projectreport:{report.pk}",
    )


# The daily reminder of reports due soon or late


def reports_to_remind(today):
    """The reports still owed, of funded projects neither ended nor suspended (a suspended
    project owes nothing while staff hold it), due in exactly REPORT_REMINDER_DAYS_BEFORE days
    or already late, with their project; the soonest due first."""
    soon = today + dt.timedelta(days=settings.REPORT_REMINDER_DAYS_BEFORE)
    return (
        ProjectReport.objects.filter(
            Q(due_on=soon) | Q(due_on__lt=today),
            state__in=ReportState.owed,
            project__decision__outcome=Outcome.FUNDED,
        )
        .exclude(project__state__in=(*ProjectState.ended, ProjectState.SUSPENDED))
        .select_related("project__decision__application__lead", "project__carrier")
        .order_by("due_on", "pk")
    )


def reminded(report, today):
    late = report.due_on < today
    return {
        **report_facts(report),
        "project": project_facts(report.project),
        "late": late,
        "days": abs((today - report.due_on).days),
    }


def remind_reports(now=None):
    """Each person of a project (the lead and the team who joined) is told of its reports due in
    REPORT_REMINDER_DAYS_BEFORE days, and of those late, each day while they are owed: one
    message per person and day, listing all of theirs (`about` names the day, so that a second
    run the same day tells nobody again). The reports are locked while the messages are
    written, so that two runs at once cannot both tell. Returns the number of messages
    written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    key = f"projects.reports-due:{today.isoformat()}"
    with transaction.atomic():
        reports = list(reports_to_remind(today).select_for_update(of=("self",)))
        teams, per_person = {}, {}
        for report in reports:
            if report.project_id not in teams:  # one query per project, not per report
                teams[report.project_id] = team_of(report.project)
            for person in teams[report.project_id]:
                per_person.setdefault(person, []).append(report)
        written = []
        for person, theirs in per_person.items():
            written += notify(
                Event.PROJECT_REPORT_REMINDER,
                [person],
                {
                    "reports": [reminded(report, today) for report in theirs],
                    "count": len(theirs),
                    "days_before": settings.REPORT_REMINDER_DAYS_BEFORE,
                },
                url=project_url(theirs[0].project),
                about=key,
            )
    return len(written)
