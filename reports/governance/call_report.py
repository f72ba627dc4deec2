"""The call report for the scientific council and the members' council: summary figures, the
ranking with its scores per criterion, proposals and decisions, the budget against the envelope,
the applicants' institutions, and the log of conflicts of interest.

It is built for the person who asked for it: for a council member, the dossiers they may not
deliberate on (conflict of interest, own review not submitted) keep their row, rank, amount
requested and final decision, but show none of their scores, proposal or motivation
(reviews.ranking.withhold); reports.rules lets them read only a report built for them
(reports.governance.readers). The figures that come from reviews and proposals (reviews counted,
proposals counted, the total proposed) count only the rows they may read, so that nothing
withheld can be worked out by subtraction; the others (applications, decisions, amounts
requested and granted) are the call's, the same in every copy."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from accounts.roles import Role
from applications.models import Application, ApplicationState
from applications.queries import lead_institutions
from decisions.budget import call_budget, call_year, programme_year_budget
from decisions.models import Outcome
from reviews.conflicts import ReviewerFacts, conflicts, dossier_facts
from reviews.models import Assignment, AssignmentState, ConflictDeclaration
from reviews.ranking import call_ranking, tie_break_rule

from .queries import (
    RECEIVED,
    ZERO,
    criterion_means,
    decisions_of,
    requested_amounts,
    share,
)


@dataclass
class InstitutionLine:
    name: str
    received: int = 0
    eligible: int = 0
    funded: int = 0
    requested: Decimal = ZERO
    granted: Decimal = ZERO


@dataclass
class LogEntry:
    date: object
    reviewer: str
    institution: str
    application: Application
    event: str
    reason: str


@dataclass
class Recusal:
    member: str
    applications: list = field(default_factory=list)  # [(application, [reasons])]


def call_report_context(call, reader=None, withheld=None):
    """withheld: {application id: why} of what `reader` may not read (readers.withheld_in),
    when the caller asked it first; else asked of the ranking."""
    received = list(
        Application.objects.filter(call=call)
        .filter(RECEIVED)
        .only("pk", "call_id", "state", "title")
        .order_by("pk")
    )
    requested = requested_amounts(Application.objects.filter(call=call))
    decisions = decisions_of(Application.objects.filter(call=call))
    institutions = lead_institutions(Application.objects.filter(call=call))
    criteria = list(call.criteria.all())
    rows = call_ranking(call, reader, withheld)
    hidden = set(withheld or ()) | {row.application.pk for row in rows if row.withheld}
    figures = summary(received, rows, decisions, requested, hidden)
    means = criterion_means(call)
    for row in rows:
        pk = row.application.pk
        row.criterion_means = [
            None if row.withheld else means[pk].get(criterion.pk) for criterion in criteria
        ]
        row.institution = institutions.get(pk, "")
        row.decision = decisions.get(pk)
        row.requested = requested.get(pk, ZERO)
    # A withheld row is listed for its final decision only: a proposal is not for its reader.
    decided_rows = [
        row
        for row in rows
        if row.decision is not None and (not row.withheld or row.decision.outcome)
    ]
    budget = call_budget(call)
    year = call_year(call)
    return {
        "reader": reader,
        "withheld_count": sum(1 for row in rows if row.withheld),
        "call": call,
        "year": year,
        "criteria": criteria,
        # The criteria share 16 % of the ranking's width (the other columns are fixed).
        "criterion_width": f"{16 / max(len(criteria), 1):.2f}",
        "summary": figures,
        "rows": rows,
        "tie_break_rule": tie_break_rule(call),
        "decided_rows": decided_rows,
        "budget": budget,
        "budget_used": share(budget.granted, budget.envelope),
        "proposed_total": sum(
            (
                row.decision.proposed_amount or ZERO
                for row in decided_rows
                if not row.withheld and row.decision.proposed_outcome == Outcome.FUNDED
            ),
            ZERO,
        ),
        "programme_budget": programme_year_budget(call.programme, year),
        "reserve": sorted(
            (row for row in decided_rows if row.decision.outcome == Outcome.RESERVE),
            key=lambda row: (row.decision.reserve_rank or 0, row.application.pk),
        ),
        "institutions": institution_lines(received, decisions, requested, institutions),
        **conflict_log(call),
        "recusals": council_recusals(call),
    }


def summary(received, rows, decisions, requested, hidden=frozenset()):
    """The call's figures; those from reviews and proposals without the `hidden` applications
    (the rows are already withheld: their reviews are not counted)."""
    states = Counter(application.state for application in received)
    outcomes = Counter(decision.outcome for decision in decisions.values() if decision.outcome)
    proposals = Counter(
        decision.proposed_outcome
        for decision in decisions.values()
        if decision.proposed_outcome and decision.application_id not in hidden
    )
    funded = [d for d in decisions.values() if d.outcome == Outcome.FUNDED]
    return {
        "received": len(received),
        "eligible": sum(states[state] for state in ApplicationState.under_review),
        "ineligible": states[ApplicationState.INELIGIBLE],
        "withdrawn": states[ApplicationState.WITHDRAWN],
        "reviewed": sum(1 for row in rows if row.done),
        "reviews": sum(row.done or 0 for row in rows),
        "proposed": {outcome: proposals[outcome] for outcome in Outcome.values},
        "funded": outcomes[Outcome.FUNDED],
        "reserve": outcomes[Outcome.RESERVE],
        "rejected": outcomes[Outcome.REJECTED],
        "labelled": outcomes[Outcome.LABELLED],
        "funding_withdrawn": outcomes[Outcome.WITHDRAWN],
        "requested": sum((requested.get(a.pk, ZERO) for a in received), ZERO),
        "requested_by_funded": sum((requested.get(d.application_id, ZERO) for d in funded), ZERO),
        "granted": sum((d.amount_granted or ZERO for d in funded), ZERO),
        "success_rate": share(outcomes[Outcome.FUNDED], len(received)),
    }


def institution_lines(received, decisions, requested, institutions):
    """The lead institutions of the applications received, most applications first."""
    lines = {}
    for application in received:
        name = institutions.get(application.pk) or _("Institution not given")
        line = lines.setdefault(name, InstitutionLine(name))
        line.received += 1
        line.eligible += application.state in ApplicationState.under_review
        line.requested += requested.get(application.pk, ZERO)
        decision = decisions.get(application.pk)
        if decision is not None and decision.outcome == Outcome.FUNDED:
            line.funded += 1
            line.granted += decision.amount_granted or ZERO
    return sorted(lines.values(), key=lambda line: (-line.received, -line.granted, line.name))


def conflict_log(call):
    """Conflicts declared by reviewers, assignments declined or cancelled, with their reasons;
    and how many reviewers declared no conflict."""
    declared = Counter(
        ConflictDeclaration.objects.filter(assignment__application__call=call).values_list(
            "has_conflict", flat=True
        )
    )
    entries = []
    for declaration in ConflictDeclaration.objects.filter(
        assignment__application__call=call, has_conflict=True
    ).select_related("assignment__reviewer__institution", "assignment__application"):
        reviewer = declaration.assignment.reviewer
        entries.append(
            LogEntry(
                declaration.declared_at,
                reviewer.get_full_name() or reviewer.email,
                str(reviewer.institution or ""),
                declaration.assignment.application,
                _("Conflict of interest declared"),
                declaration.reason,
            )
        )
    events = {
        AssignmentState.DECLINED: _("Assignment declined"),
        AssignmentState.CANCELLED: _("Assignment cancelled by staff"),
    }
    for assignment in Assignment.objects.filter(
        application__call=call, state__in=list(events)
    ).select_related("reviewer__institution", "application"):
        reviewer = assignment.reviewer
        entries.append(
            LogEntry(
                assignment.responded_at,
                reviewer.get_full_name() or reviewer.email,
                str(reviewer.institution or ""),
                assignment.application,
                events[assignment.state],
                assignment.note,
            )
        )
    entries.sort(key=lambda entry: (entry.date is None, entry.date, entry.application.pk))
    return {
        "conflict_log": entries,
        "declared_conflicts": declared[True],
        "declared_no_conflict": declared[False],
    }


def council_recusals(call):
    """For each council member: the applications of the call on which they must not deliberate
    (the lead or a member who joined, a claim of the team counted or confirmed, excluded by the
    applicant, conflict declared: reviews.conflicts)."""
    applications = list(
        Application.objects.filter(call=call, state__in=ApplicationState.under_review).order_by(
            "pk"
        )
    )
    if not applications:
        return []
    facts = dossier_facts(applications)
    members = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.COUNCIL_MEMBER.value)
        .select_related("institution")
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )
    recusals = []
    for member in members:
        person = ReviewerFacts.of(member)
        found = [
            (application, reasons)
            for application in applications
            if (reasons := conflicts(person, facts[application.pk]))
        ]
        if found:
            recusals.append(Recusal(member.get_full_name() or member.email, found))
    return recusals
