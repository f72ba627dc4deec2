"""The programme and year report: the calls of a programme that closed in a year (Paris time),
their applications, success rates, and the amounts by programme, kind of call and institution,
then their funded projects' indicators (reports.governance.project_indicators), with bar
charts. Without a programme: every call of the year, cross-programme ones included."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationState, BudgetLine
from applications.queries import lead_institutions
from calls.models import Call, CallKind
from common.formats import money_or_dash as format_money
from decisions.budget import (
    closing_year,
    committed_and_paid,
    funded_decisions,
    programme_year_budget,
    programme_year_budgets,
)
from decisions.models import Outcome

from .charts import bar_chart
from .project_indicators import funded_projects, project_indicators
from .queries import RECEIVED, ZERO, requested_amounts, share

TOP_INSTITUTIONS = 15


@dataclass
class Figures:
    label: str
    calls: int = 0
    received: int = 0
    eligible: int = 0
    funded: int = 0
    labelled: int = 0  # a CollEx label call's applications decided "labelled"
    requested: Decimal = ZERO
    granted: Decimal = ZERO
    envelope: Decimal | None = None
    item: object = None  # the call or programme the line is about
    # The funded projects' money (decisions.budget): granted to them, paid, still to pay.
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def success_rate(self):
        return share(self.funded, self.received)

    @property
    def to_pay(self):
        return self.committed - self.paid

    def add(self, application, requested):
        self.received += 1
        self.eligible += application["state"] in ApplicationState.under_review
        self.requested += requested
        if application["decision__outcome"] == Outcome.FUNDED:
            self.funded += 1
            self.granted += application["decision__amount_granted"] or ZERO
        elif application["decision__outcome"] == Outcome.LABELLED:
            self.labelled += 1


def calls_of_year(year, programme=None):
    calls = Call.objects.annotate(closing_year=closing_year()).filter(closing_year=year)
    return calls.filter(programme=programme) if programme is not None else calls


def programme_report_context(programme, year, money=format_money):
    calls_query = calls_of_year(year, programme)
    calls = list(
        calls_query.select_related("programme")
        .defer("questions", "faq", "description", "eligibility")
        .order_by("closes_at", "pk")
    )
    received = Application.objects.filter(call__in=calls_query).filter(RECEIVED)
    requested = requested_amounts(received)
    institutions = lead_institutions(received)
    by_call = {
        call.pk: Figures(str(call), calls=1, envelope=call.envelope, item=call) for call in calls
    }
    by_kind, by_institution = {}, {}
    total = Figures(_("Total"), calls=len(calls))
    for application in received.values(
        "pk", "call_id", "state", "decision__outcome", "decision__amount_granted"
    ):
        amount = requested.get(application["pk"], ZERO)
        call = by_call[application["call_id"]].item
        kind = by_kind.setdefault(call.kind, Figures(call.get_kind_display()))
        name = institutions.get(application["pk"]) or _("Institution not given")
        institution = by_institution.setdefault(name, Figures(name))
        for figures in (by_call[call.pk], kind, institution, total):
            figures.add(application, amount)
    projects_money = committed_and_paid(
        funded_decisions().filter(application__call__in=calls_query), "application__call"
    )
    for (call_id,), (committed, paid) in projects_money.items():
        for figures in (by_call[call_id], total):
            figures.committed += committed
            figures.paid += paid
    for call in calls:
        kind = by_kind.setdefault(call.kind, Figures(call.get_kind_display()))
        kind.calls += 1
    kinds = [by_kind[kind] for kind in CallKind.values if kind in by_kind]
    institution_lines = sorted(
        by_institution.values(), key=lambda line: (-line.granted, -line.received, line.label)
    )
    programmes = programme_lines(year)
    budget = programme_year_budget(programme, year) if programme is not None else None
    return {
        "programme": programme,
        "year": year,
        "calls": list(by_call.values()),
        "total": total,
        "kinds": kinds,
        "institutions": institution_lines,
        "programmes": programmes,
        "budget": budget,
        "budget_used": share(budget.granted, budget.envelope) if budget else None,
        # The funded projects of these calls: states, reports late, money, deliverables.
        "indicators": project_indicators(funded_projects(calls_query), money=money),
        "charts": {
            "kinds": bar_chart(
                "chart-kinds",
                _("Amounts requested and granted by kind of call"),
                [_("requested"), _("granted")],
                [(line.label, [line.requested, line.granted]) for line in kinds],
                money,
            ),
            "programmes": bar_chart(
                "chart-programmes",
                _("Amounts granted by programme"),
                [_("granted")],
                [(line.label, [line.granted]) for line in programmes],
                money,
            ),
            "institutions": bar_chart(
                "chart-institutions",
                _("Amounts granted by lead institution (the first %(count)s)")
                % {"count": TOP_INSTITUTIONS},
                [_("granted")],
                [(line.label, [line.granted]) for line in institution_lines[:TOP_INSTITUTIONS]],
                money,
            ),
            "calls": bar_chart(
                "chart-calls",
                _("Applications received and funded by call"),
                [_("received"), _("funded")],
                [(line.label, [line.received, line.funded]) for line in by_call.values()],
            ),
        },
    }


def programme_lines(year):
    """Every programme with calls or an envelope in `year`, and the cross-programme calls."""
    calls = calls_of_year(year)
    counts = {
        row["call__programme"]: row
        for row in Application.objects.filter(call__in=calls)
        .filter(RECEIVED)
        .values("call__programme")
        .annotate(
            received=Count("pk"),
            eligible=Count("pk", filter=Q(state__in=ApplicationState.under_review)),
            funded=Count("pk", filter=Q(decision__outcome=Outcome.FUNDED)),
            labelled=Count("pk", filter=Q(decision__outcome=Outcome.LABELLED)),
        )
    }
    requested = dict(
        BudgetLine.objects.filter(application__call__in=calls)
        .filter(application__submitted_at__isnull=False)
        .exclude(application__state=ApplicationState.DRAFT)
        .values("application__call__programme")
        .annotate(total=Coalesce(Sum("amount_requested"), ZERO))
        .values_list("application__call__programme", "total")
    )
    call_counts = dict(
        calls.values("programme").annotate(n=Count("pk")).values_list("programme", "n")
    )
    lines = []
    for programme, _year, budget in programme_year_budgets(year):
        key = programme.pk if programme else None
        row = counts.get(key, {})
        lines.append(
            Figures(
                str(programme) if programme else _("Cross-programme"),
                calls=call_counts.get(key, 0),
                received=row.get("received", 0),
                eligible=row.get("eligible", 0),
                funded=row.get("funded", 0),
                labelled=row.get("labelled", 0),
                requested=requested.get(key, ZERO),
                granted=budget.granted,
                envelope=budget.envelope,
                item=programme,
                committed=budget.committed,
                paid=budget.paid,
            )
        )
    return lines
