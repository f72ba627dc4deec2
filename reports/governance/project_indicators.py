"""Indicators of funded projects for the governing bodies: how many are in each state, their
reports late, the money granted, paid and still to pay, and the deliverables declared by kind.

For the projects of a set of calls (a programme's calls of a year, every call of a year, every
call: funded_projects), in five queries whatever their number: every figure is an aggregate.
Every state and every kind is listed, zero included, in its enum's order, so that two reports
read side by side have the same lines.

Money follows decisions.budget.committed_and_paid, as the programme report's money tables do:
committed is what a project is granted (less what it gave back), or once it ended (closed,
terminated) what it was paid; still to pay is committed less paid, so an ended project owes
nothing more. A report is late when it is still owed (ReportState.owed) and its due date has
passed in Paris; the reports of an ended project are not late, they can no longer be sent
(projects.reports).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import DeliverableKind, ReportKind
from common.formats import PARIS
from common.formats import money_or_dash as format_money
from decisions.budget import MONEY_FIELD, committed_and_paid, funded_decisions
from decisions.models import Outcome
from projects.models import Deliverable, Payment, Project, ProjectReport, ProjectState, ReportState

from .charts import bar_chart

ZERO = Decimal("0.00")
PROGRAMME = "decision__application__call__programme"


@dataclass
class StateLine:
    """The projects in one state (or all of them: the total), with their money."""

    label: str
    state: str = ""
    projects: int = 0
    granted: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def to_pay(self):
        return self.committed - self.paid

    def add(self, other):
        self.projects += other.projects
        self.granted += other.granted
        self.committed += other.committed
        self.paid += other.paid


@dataclass
class KindLine:
    """How many reports late, or deliverables, of one kind (`public`: deliverables shown on the
    public pages and in the open data)."""

    label: str
    kind: str
    count: int = 0
    public: int = 0


@dataclass
class ProjectIndicators:
    states: list
    total: StateLine
    late_reports: list
    deliverables: list
    charts: dict = field(default_factory=dict)

    @property
    def late_count(self):
        return sum(line.count for line in self.late_reports)

    @property
    def deliverable_count(self):
        return sum(line.count for line in self.deliverables)

    @property
    def public_deliverable_count(self):
        return sum(line.public for line in self.deliverables)


def funded_projects(calls=None):
    """The projects of the funded decisions on `calls` (a Call queryset; None: every call)."""
    projects = Project.objects.filter(decision__outcome=Outcome.FUNDED)
    if calls is not None:
        projects = projects.filter(decision__application__call__in=calls)
    return projects


def today_in_paris():
    return timezone.localdate(timezone=PARIS)


def late(today):
    """The reports still owed whose due date passed `today`, of projects not ended."""
    return Q(state__in=ReportState.owed, due_on__lt=today) & ~Q(
        project__state__in=ProjectState.ended
    )


def project_indicators(projects, today=None, money=format_money):
    """The indicators of `projects` (a Project queryset, funded_projects), in five queries."""
    today = today or today_in_paris()
    states = {state: StateLine(state.label, state) for state in ProjectState}
    for row in (
        projects.order_by().values("state").annotate(n=Count("pk"), granted=Sum("amount_granted"))
    ):
        line = states[row["state"]]
        line.projects, line.granted = row["n"], row["granted"] or ZERO
    decisions = funded_decisions().filter(project__in=projects)
    for (state,), (committed, paid) in committed_and_paid(decisions, "project__state").items():
        states[state].committed, states[state].paid = committed, paid
    total = StateLine(_("Total"))
    for line in states.values():
        total.add(line)

    late_reports = {kind: KindLine(kind.label, kind) for kind in ReportKind}
    for kind, count in (
        ProjectReport.objects.filter(late(today), project__in=projects)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    ):
        late_reports[kind].count = count

    deliverables = {kind: KindLine(kind.label, kind) for kind in DeliverableKind}
    for row in (
        Deliverable.objects.filter(project__in=projects)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"), public=Count("pk", filter=Q(is_public=True)))
    ):
        line = deliverables[row["kind"]]
        line.count, line.public = row["n"], row["public"]

    indicators = ProjectIndicators(
        states=list(states.values()),
        total=total,
        late_reports=list(late_reports.values()),
        deliverables=list(deliverables.values()),
    )
    indicators.charts = charts_of(indicators, money)
    return indicators


def charts_of(indicators, money):
    return {
        "states": bar_chart(
            "chart-project-states",
            _("Funded projects by state"),
            [_("projects")],
            [(line.label, [line.projects]) for line in indicators.states],
        ),
        "deliverables": bar_chart(
            "chart-deliverables",
            _("Deliverables declared by kind, and how many of them are public"),
            [_("declared"), _("of which public")],
            [(line.label, [line.count, line.public]) for line in indicators.deliverables],
        ),
    }


def project_rows(projects, today=None):
    """The projects with what the table of projects shows (their call's programme, carrier,
    `paid`, `late_reports`, `deliverable_count`), by programme then reference, in one query."""
    today = today or today_in_paris()
    return list(
        projects.select_related("carrier", "decision__application__call__programme")
        .only(
            "state",
            "amount_granted",
            "carrier__name",
            "carrier__acronym",
            "decision__application__title",
            "decision__application__call__programme__title_fr",
            "decision__application__call__programme__title_en",
        )
        .annotate(
            paid=Coalesce(per_project(Payment.objects.all(), Sum("amount"), MONEY_FIELD), ZERO),
            late_reports=Coalesce(
                per_project(ProjectReport.objects.filter(late(today)), Count("pk")), 0
            ),
            deliverable_count=Coalesce(per_project(Deliverable.objects.all(), Count("pk")), 0),
        )
        .order_by(
            F(f"{PROGRAMME}__position").asc(nulls_last=True),
            f"{PROGRAMME}__code",
            "decision__application__call_id",
            "decision__application_id",
        )
    )


def per_project(rows, aggregate, output_field=None):
    """`aggregate` over `rows` of the outer query's project, as a subquery (rows of several
    kinds joined in one query would repeat each other)."""
    return Subquery(
        rows.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(value=aggregate)
        .values("value"),
        output_field=output_field or IntegerField(),
    )
