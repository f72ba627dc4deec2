"""Queries shared by the reports: each reads every application of a call (or of several calls) at
once, so that a report costs the same number of queries for 10 or 1,000 applications."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Q, Sum
from django.db.models.functions import Coalesce

from applications.models import ApplicationState, BudgetLine
from decisions.models import Decision
from reviews.models import ReviewScore, ReviewState

ZERO = Decimal("0.00")

# Received: submitted at least once and not taken back to a draft by staff since.
RECEIVED = Q(submitted_at__isnull=False) & ~Q(state=ApplicationState.DRAFT)


def requested_amounts(applications):
    """{application id: total requested}, in one query."""
    return dict(
        BudgetLine.objects.filter(application__in=applications)
        .values("application_id")
        .annotate(total=Coalesce(Sum("amount_requested"), ZERO))
        .values_list("application_id", "total")
    )


def decisions_of(applications):
    """{application id: Decision}, in one query."""
    return {
        decision.application_id: decision
        for decision in Decision.objects.filter(application__in=applications)
    }


def criterion_means(call):
    """{application id: {criterion id: mean of the submitted reviews' scores}}, in one query."""
    means = defaultdict(dict)
    for application_id, criterion_id, mean in (
        ReviewScore.objects.filter(
            review__assignment__application__call=call, review__state=ReviewState.SUBMITTED
        )
        .values("review__assignment__application_id", "criterion_id")
        .annotate(mean=Avg("score"))
        .values_list("review__assignment__application_id", "criterion_id", "mean")
    ):
        means[application_id][criterion_id] = Decimal(mean).quantize(Decimal("0.01"))
    return means


def share(part, whole):
    """part / whole in percent with one decimal, or None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
