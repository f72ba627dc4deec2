"""What is late in funded projects, for staff: agreements still unsigned long after they were
made, and instalments past their planned date that are not fully paid. Each list in one query,
whatever its length."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from decisions.models import Outcome

from .models import AgreementVersion, Instalment, Project, ProjectState

MONEY = DecimalField(max_digits=14, decimal_places=2)


def late_agreements(now=None):
    """Funded projects not ended whose latest version is unsigned AGREEMENT_REMINDER_DAYS after
    it was made (the first version, or a new one after an amendment), or whose agreement is in
    preparation with no version that long after the project began (its funding letter was
    sent). Each with `waiting_since` (the version's date, else the project's), `days_late`,
    `version_number` (None without a version); the longest waiting first."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.AGREEMENT_REMINDER_DAYS)
    latest = AgreementVersion.objects.filter(project=OuterRef("pk")).order_by("-number")
    projects = (
        Project.objects.filter(decision__outcome=Outcome.FUNDED)
        .exclude(state__in=ProjectState.ended)
        .annotate(
            version_number=Subquery(latest.values("number")[:1]),
            version_made_at=Subquery(latest.values("created_at")[:1]),
            version_signed_at=Subquery(latest.values("signed_at")[:1]),
        )
        .filter(
            Q(
                version_number__isnull=True,
                created_at__lte=limit,
                state=ProjectState.AGREEMENT_PREPARATION,
            )
            | Q(version_made_at__lte=limit, version_signed_at__isnull=True)
        )
        .select_related("decision__application__call", "carrier")
        .order_by(Coalesce("version_made_at", "created_at"), "pk")
    )
    rows = list(projects)
    for project in rows:
        project.waiting_since = project.version_made_at or project.created_at
        project.days_late = (now - project.waiting_since).days
    return rows


def overdue_instalments(today=None):
    """Instalments whose planned date has passed and on which less than their amount was paid,
    of projects still funded and not ended; each with `paid`, `unpaid` and `days_late`, the
    oldest first."""
    today = today or timezone.localdate()
    paid = Coalesce(Sum("payments__amount"), Value(Decimal("0.00")), output_field=MONEY)
    instalments = (
        Instalment.objects.filter(
            planned_on__lt=today,
            project__decision__outcome=Outcome.FUNDED,
        )
        .exclude(project__state__in=ProjectState.ended)
        .annotate(paid=paid)
        .filter(paid__lt=F("amount"))
        .select_related("project__decision__application__call", "project__carrier")
        .order_by("planned_on", "project_id", "position")
    )
    rows = list(instalments)
    for instalment in rows:
        instalment.unpaid = instalment.amount - instalment.paid
        instalment.days_late = (today - instalment.planned_on).days
    return rows
