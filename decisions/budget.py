"""Budget envelopes: what a call, a programme and a year have, what is granted, what remains.

Money is Decimal from the database to the page. Only decisions whose outcome is "funded" count
as granted; partner co-funding (the budget lines' co-funding of funded applications) is shown
beside the network's own money, never added to it. A call counts in the year its submissions
closed, in Paris time.

Once a funded decision's letter is sent it becomes a project (projects.Project), and the money
moves: committed is what its project is granted (lower than the decision's first amount after a
give-back), paid the sum of its payments, still to pay the difference. Once the project is
closed or terminated, nothing more will be paid: it commits what was paid, and its unpaid
balance is free again. These figures are read here through ORM lookups from Decision
("project__amount_granted", "project__payments__amount", "project__state") rather than by
importing projects: projects depends on decisions, never the other way, and every
figure of a budget stays in this one module, in the same fixed number of queries.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear

from applications.models import Application, BudgetLine
from calls.models import Call, Programme
from common.formats import PARIS

from .models import Decision, Envelope, Outcome

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
# A decision's project that ended (projects.ProjectState.ended, by value: decisions does not
# import projects): no money moves any more, so it commits only what it was paid.
PROJECT_ENDED = Q(project__state__in=("closed", "terminated"))
# What the projects commit, in two sums taken apart (a project's payments would otherwise
# repeat its amount granted): the grants of those still running, the payments of ended ones.
COMMITTED_WHILE_RUNNING = Sum("project__amount_granted", filter=~PROJECT_ENDED)
PAID = Sum("project__payments__amount")
PAID_ONCE_ENDED = Sum("project__payments__amount", filter=PROJECT_ENDED)


def call_year(call) -> int:
    return call.closes_at.astimezone(PARIS).year


def closing_year(call_path=""):
    """call_year() as a database expression; `call_path` reaches the call ("application__call")."""
    return ExtractYear(f"{call_path}__closes_at" if call_path else "closes_at", tzinfo=PARIS)


@dataclass(frozen=True)
class Budget:
    envelope: Decimal | None  # None: no envelope was set (a programme without one that year)
    granted: Decimal
    cofunding: Decimal
    funded: int = 0
    calls_envelope: Decimal = ZERO  # for a programme and year: the sum of its calls' envelopes
    committed: Decimal = ZERO  # what the funded projects are granted
    paid: Decimal = ZERO  # what was paid on them

    @property
    def to_pay(self) -> Decimal:
        return self.committed - self.paid

    @property
    def remaining(self) -> Decimal | None:
        return None if self.envelope is None else self.envelope - self.granted

    @property
    def exceeded(self) -> bool:
        return self.envelope is not None and self.granted > self.envelope

    @property
    def used_percent(self) -> int | None:
        if not self.envelope:
            return None
        return int(self.granted * 100 / self.envelope)


def _money(value):
    return Coalesce(value, ZERO)


def funded_decisions():
    return Decision.objects.filter(outcome=Outcome.FUNDED)


def committed_and_paid(decisions, *group):
    """{group values: (committed, paid)} of `decisions` (funded ones) grouped by the fields
    `group`, in two queries: the sums are taken apart, so that a project's payments do not
    repeat its amount granted. An ended project commits what it was paid."""
    committed = (
        decisions.filter(project__isnull=False)
        .values(*group)
        .annotate(total=COMMITTED_WHILE_RUNNING)
    )
    paid = decisions.values(*group).annotate(total=PAID, ended=PAID_ONCE_ENDED)
    figures = {}
    for row in committed:
        figures[tuple(row[field] for field in group)] = (row["total"] or ZERO, ZERO)
    for row in paid:
        key = tuple(row[field] for field in group)
        if key in figures:
            figures[key] = (figures[key][0] + (row["ended"] or ZERO), row["total"] or ZERO)
    return figures


def call_budget(call) -> Budget:
    """The call's envelope, what its funded applications were granted and their co-funding."""
    granted = (
        funded_decisions()
        .filter(application__call=call)
        .aggregate(total=_money(Sum("amount_granted")), count=Count("pk"))
    )
    cofunding = BudgetLine.objects.filter(
        application__call=call, application__decision__outcome=Outcome.FUNDED
    ).aggregate(total=_money(Sum("cofunding")))["total"]
    return Budget(
        envelope=call.envelope,
        granted=granted["total"],
        cofunding=cofunding,
        funded=granted["count"],
    )


def programme_envelope(call):
    """The Envelope of the call's programme (or of the cross-programme calls) in its year."""
    return Envelope.objects.filter(programme=call.programme, year=call_year(call)).first()


def programme_year_budget(programme, year) -> Budget:
    return _programme_budgets(year, programme=programme, with_empty=True)[0][1]


def programme_year_budgets(year=None):
    """[(programme or None, year, Budget)] for every programme and year that has a call or an
    envelope, newest year first; a fixed number of queries."""
    return [(programme, y, budget) for (programme, y), budget in _programme_budgets(year)]


def _programme_budgets(year, programme=..., with_empty=False):
    in_year = Q() if year is None else Q(year=year)
    calls = Call.objects.annotate(year=closing_year()).filter(in_year)
    decisions = funded_decisions().annotate(year=closing_year("application__call"))
    lines = BudgetLine.objects.filter(application__decision__outcome=Outcome.FUNDED).annotate(
        year=closing_year("application__call")
    )
    envelopes = Envelope.objects.filter(in_year)
    if programme is not ...:
        calls = calls.filter(programme=programme)
        decisions = decisions.filter(application__call__programme=programme)
        lines = lines.filter(application__call__programme=programme)
        envelopes = envelopes.filter(programme=programme)
    figures = {}

    def add(key, **values):
        figures.setdefault(key, {}).update(values)

    for row in calls.values("programme", "year").annotate(total=Sum("envelope")):
        add((row["programme"], row["year"]), calls_envelope=row["total"])
    for row in (
        decisions.filter(in_year)
        .values("application__call__programme", "year")
        .annotate(total=Sum("amount_granted"), count=Count("pk"))
    ):
        add((row["application__call__programme"], row["year"]), granted=row["total"])
        add((row["application__call__programme"], row["year"]), funded=row["count"])
    for row in (
        lines.filter(in_year)
        .values("application__call__programme", "year")
        .annotate(total=Sum("cofunding"))
    ):
        add((row["application__call__programme"], row["year"]), cofunding=row["total"])
    money = committed_and_paid(decisions.filter(in_year), "application__call__programme", "year")
    for key, (committed, paid) in money.items():
        add(key, committed=committed, paid=paid)
    for envelope in envelopes:
        add((envelope.programme_id, envelope.year), envelope=envelope.amount)
    if with_empty and not figures:
        figures[(getattr(programme, "pk", None), year)] = {}
    programmes = Programme.objects.in_bulk([key[0] for key in figures if key[0]])
    rows = []
    for (programme_id, row_year), values in figures.items():
        budget = Budget(
            envelope=values.get("envelope"),
            granted=values.get("granted") or ZERO,
            cofunding=values.get("cofunding") or ZERO,
            funded=values.get("funded", 0),
            calls_envelope=values.get("calls_envelope") or ZERO,
            committed=values.get("committed") or ZERO,
            paid=values.get("paid") or ZERO,
        )
        rows.append(((programmes.get(programme_id), row_year), budget))
    rows.sort(key=lambda row: (-row[0][1], _programme_order(row[0][0])))
    return rows


def _programme_order(programme):
    return (1, 0, "") if programme is None else (0, programme.position, programme.code)


def requested_amounts(call):
    """{application id: total requested} for a call, in one query."""
    return dict(
        Application.objects.filter(call=call)
        .annotate(total=_money(Sum("budget_lines__amount_requested")))
        .values_list("pk", "total")
    )


def calls_with_budget(year=None):
    """Calls with `granted`, `cofunding`, `funded`, `year`, and their projects' `committed`,
    `paid` and `to_pay` annotated, in a single query."""
    funded = funded_decisions().filter(application__call=OuterRef("pk"))
    granted = funded.values("application__call").annotate(total=Sum("amount_granted"))
    count = funded.values("application__call").annotate(count=Count("pk"))
    committed = funded.values("application__call").annotate(total=COMMITTED_WHILE_RUNNING)
    paid = funded.values("application__call").annotate(total=PAID)
    paid_once_ended = funded.values("application__call").annotate(total=PAID_ONCE_ENDED)
    cofunding = (
        BudgetLine.objects.filter(
            application__call=OuterRef("pk"), application__decision__outcome=Outcome.FUNDED
        )
        .values("application__call")
        .annotate(total=Sum("cofunding"))
    )
    calls = (
        Call.objects.select_related("programme")
        .annotate(
            year=closing_year(),
            granted=_money(Subquery(granted.values("total"), output_field=MONEY_FIELD)),
            cofunding=_money(Subquery(cofunding.values("total"), output_field=MONEY_FIELD)),
            funded=Coalesce(Subquery(count.values("count")), 0),
            committed=ExpressionWrapper(
                _money(Subquery(committed.values("total"), output_field=MONEY_FIELD))
                + _money(Subquery(paid_once_ended.values("total"), output_field=MONEY_FIELD)),
                MONEY_FIELD,
            ),
            paid=_money(Subquery(paid.values("total"), output_field=MONEY_FIELD)),
        )
        .annotate(
            remaining=ExpressionWrapper(F("envelope") - F("granted"), MONEY_FIELD),
            to_pay=ExpressionWrapper(F("committed") - F("paid"), MONEY_FIELD),
        )
        .only("title_fr", "title_en", "slug", "envelope", "closes_at", "programme", "kind")
        .order_by("-closes_at")
    )
    if year is not None:
        calls = calls.filter(year=year)
    return calls


def budget_years():
    """The years that have a call or an envelope, newest first."""
    years = set(
        Call.objects.annotate(year=closing_year()).values_list("year", flat=True).distinct()
    )
    years.update(Envelope.objects.values_list("year", flat=True))
    return sorted(years, reverse=True)
