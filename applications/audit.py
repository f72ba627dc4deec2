"""The audit trail of an application: its one writer for what is not an application's own
transition (those are written by services.record_move): assignments, reviews, consensus reports and
decisions record their state changes here, against the application they belong to. And its
reading: each row in words (states and actions by their labels) and as CSV, for staff only.

Rows about an assignment or a review name the reviewer in `reason` when someone else made the
change (staff assigning, cancelling, reopening), since a row keeps no link to the assignment.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from common.formats import PARIS

from .exports import neutralise
from .models import ApplicationEvent, ApplicationState, AuditSubject


def record(application, actor, subject, action, from_state="", to_state="", reason=""):
    """One audit row. Call inside the transaction that makes the change."""
    return ApplicationEvent.objects.create(
        application_id=getattr(application, "pk", application),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=AuditSubject(subject),
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
    )


def record_many(rows):
    """Several rows at once: `rows` are dicts of record()'s arguments."""
    return ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application_id=getattr(row["application"], "pk", row["application"]),
            actor=row.get("actor")
            if getattr(row.get("actor"), "is_authenticated", False)
            else None,
            subject=AuditSubject(row["subject"]),
            action=row["action"],
            from_state=row.get("from_state") or "",
            to_state=row.get("to_state") or "",
            reason=row.get("reason") or "",
        )
        for row in rows
    )


def person(user):
    """How the trail names someone: "Name <e-mail>", or the e-mail alone."""
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email


def about_reviewer(reviewer, reason=""):
    """The `reason` of a row on an assignment or review changed by someone else than its
    reviewer: the reviewer, then the reason given, if any."""
    reason = (reason or "").strip()
    return f"{person(reviewer)}: {reason}" if reason else person(reviewer)


# The consensus report has no state field: it is a draft until finalised.
CONSENSUS_STATES = {
    "draft": pgettext_lazy("consensus report state", "Draft"),
    "final": pgettext_lazy("consensus report state", "Final"),
}

ACTIONS = {
    AuditSubject.APPLICATION: {
        "start": pgettext_lazy("audit", "Draft started"),
        "submit": pgettext_lazy("audit", "Application submitted"),
        "withdraw": pgettext_lazy("audit", "Application withdrawn"),
        "reopen": pgettext_lazy("audit", "Reopened as a draft"),
        "mark_eligible": pgettext_lazy("audit", "Screened eligible"),
        "mark_ineligible": pgettext_lazy("audit", "Screened ineligible"),
        "start_review": pgettext_lazy("audit", "Sent to review"),
        "decide": pgettext_lazy("audit", "Decided"),
        "team_member_invited": pgettext_lazy("audit", "Team member invited"),
        "team_member_joined": pgettext_lazy("audit", "Joined the team"),
        "team_member_declined": pgettext_lazy("audit", "Invitation to the team declined"),
        "team_member_left": pgettext_lazy("audit", "Left the team"),
    },
    AuditSubject.ASSIGNMENT: {
        "assign": pgettext_lazy("audit", "Reviewer assigned by hand"),
        "assign_proposed": pgettext_lazy("audit", "Reviewer assigned from a proposal"),
        "accept": pgettext_lazy("audit", "Accepted, no conflict of interest declared"),
        "decline": pgettext_lazy("audit", "Declined"),
        "recuse": pgettext_lazy("audit", "Conflict of interest declared"),
        "cancel": pgettext_lazy("audit", "Assignment cancelled"),
        "claim_found": pgettext_lazy("audit", "Reviewer named by the team"),
        "claim_confirmed": pgettext_lazy("audit", "Conflict named by the team confirmed"),
        "claim_dismissed": pgettext_lazy("audit", "Conflict named by the team dismissed"),
    },
    AuditSubject.REVIEW: {
        "submit": pgettext_lazy("audit", "Review submitted"),
        "reopen": pgettext_lazy("audit", "Review reopened"),
    },
    AuditSubject.CONSENSUS: {
        "set_rapporteur": pgettext_lazy("audit", "Rapporteur chosen"),
        "finalise": pgettext_lazy("audit", "Consensus report finalised"),
        "reopen": pgettext_lazy("audit", "Consensus report reopened"),
    },
    AuditSubject.DECISION: {
        "propose": pgettext_lazy("audit", "Proposal of the scientific council"),
        "decide": pgettext_lazy("audit", "Decision of the deciding body"),
        "change_decision": pgettext_lazy("audit", "Decision changed"),
        "override_envelope": pgettext_lazy("audit", "Envelope exceeded by an override"),
        "withdraw_funding": pgettext_lazy("audit", "Funding withdrawn"),
        "lower_grant": pgettext_lazy("audit", "Grant lowered"),
        "letter_sent": pgettext_lazy("audit", "Decision letter sent"),
        "set_publication_date": pgettext_lazy("audit", "Publication date changed"),
    },
    AuditSubject.PROJECT: {
        "create": pgettext_lazy("audit", "Project created"),
        "set_carrier": pgettext_lazy("audit", "Carrier set"),
        "prepare_agreement": pgettext_lazy("audit", "Agreement version prepared"),
        "record_signature": pgettext_lazy("audit", "Agreement signature recorded"),
        "sign_agreement": pgettext_lazy("audit", "Agreement signed"),
        "start": pgettext_lazy("audit", "Project started"),
        "suspend": pgettext_lazy("audit", "Project suspended"),
        "resume": pgettext_lazy("audit", "Project resumed"),
        "terminate": pgettext_lazy("audit", "Project terminated"),
        "begin_closing": pgettext_lazy("audit", "Closing begun"),
        "close": pgettext_lazy("audit", "Project closed"),
        "set_schedule": pgettext_lazy("audit", "Payment schedule set"),
        "record_payment": pgettext_lazy("audit", "Payment recorded"),
        "override_condition": pgettext_lazy("audit", "Payment made without its condition"),
        "ask_amendment": pgettext_lazy("audit", "Amendment asked"),
        "accept_amendment": pgettext_lazy("audit", "Amendment accepted"),
        "refuse_amendment": pgettext_lazy("audit", "Amendment refused"),
    },
    AuditSubject.DELIVERABLE: {
        "declare": pgettext_lazy("audit", "Deliverable declared"),
        "update": pgettext_lazy("audit", "Deliverable changed"),
        "remove": pgettext_lazy("audit", "Deliverable removed"),
    },
}


def _choices(app_label, model, field):
    """A field's choices as {value: label}, read through the app registry: the apps that own
    these states come after applications in the dependency order."""
    return dict(apps.get_model(app_label, model)._meta.get_field(field).flatchoices)


def state_labels():
    """{subject: {state: label}} for every subject of the trail."""
    return {
        AuditSubject.APPLICATION: dict(ApplicationState.choices),
        AuditSubject.ASSIGNMENT: _choices("reviews", "Assignment", "state"),
        AuditSubject.REVIEW: _choices("reviews", "Review", "state"),
        AuditSubject.CONSENSUS: CONSENSUS_STATES,
        AuditSubject.DECISION: _choices("decisions", "Decision", "outcome"),
        AuditSubject.PROJECT: _choices("projects", "Project", "state"),
    }


@dataclass(frozen=True)
class TrailRow:
    at: datetime
    who: str
    about: str
    action: str
    from_state: str
    to_state: str
    reason: str


def trail(application, subject=None):
    """Every row of the application's trail in words (only those about `subject` if given),
    oldest first, in one query."""
    labels = state_labels()
    subjects = dict(AuditSubject.choices)
    events = ApplicationEvent.objects.filter(application=application).select_related("actor")
    if subject is not None:
        events = events.filter(subject=subject)
    rows = []
    for event in events.order_by("created_at", "pk"):
        states = labels.get(event.subject, {})
        rows.append(
            TrailRow(
                at=event.created_at,
                who=person(event.actor) or str(NOBODY),
                about=str(subjects.get(event.subject, event.subject)),
                action=str(ACTIONS.get(event.subject, {}).get(event.action, event.action)),
                from_state=str(states.get(event.from_state, event.from_state)),
                to_state=str(states.get(event.to_state, event.to_state)),
                reason=event.reason,
            )
        )
    return rows


NOBODY = gettext_lazy("not recorded (automatic, or a deleted account)")


def headers():
    """The columns of the page and of the CSV."""
    return [
        pgettext("audit trail", "When (Paris time)"),
        pgettext("audit trail", "Who"),
        pgettext("audit trail", "About"),
        pgettext("audit trail", "Action"),
        pgettext("audit trail", "From"),
        pgettext("audit trail", "To"),
        pgettext("audit trail", "Reason or details"),
    ]


def csv_filename(application):
    return f"historique-{application.reference}.csv"


def as_csv(rows):
    """UTF-8 with a byte order mark and semicolons, as the other exports; nothing typed by a
    user can become a formula."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows:
        writer.writerow(
            [
                row.at.astimezone(PARIS).isoformat(timespec="seconds"),
                *(
                    neutralise(value)
                    for value in (
                        row.who,
                        row.about,
                        row.action,
                        row.from_state,
                        row.to_state,
                        row.reason,
                    )
                ),
            ]
        )
    return buffer.getvalue().encode("utf-8")
