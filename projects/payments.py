"""A funded project's money: its payment schedule (instalments that add up to the amount
granted, to the cent) and the payments made on it (never more than granted, each accounting
reference once, a condition not met only with an override and its reason).

Both services lock the project row first, so that two people saving at the same moment cannot
together pay more than the grant or remove an instalment just paid; both ask the rule
"projects.manage_payments" that the page reads to show the forms.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from applications import audit
from applications.models import AuditSubject
from common.errors import Refused
from common.formats import euros_with_cents
from common.permissions import require

from .messages import payment_recorded
from .models import Condition, Instalment, Payment, Project, ProjectReport, ReportState

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MANAGE = "projects.manage_payments"


class PaymentError(Refused):
    """A schedule or a payment that the rules, the sums or the person do not allow; `problems`
    maps a field ("amount", "rows.2.planned_on", "__all__") to its messages."""


def locked(project):
    """The project row, locked until the end of the transaction, with what its rules, its
    agreement and its amendments read: the one lock every service of a project takes."""
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related(
            "decision__application__call__programme", "decision__application__lead", "carrier"
        )
        .get(pk=project.pk)
    )


def _require(actor, project):
    require(
        actor,
        MANAGE,
        project,
        PaymentError,
        _("Only programme staff manage the payments of a project that is not ended."),
    )


# The schedule


def set_schedule(project, rows, actor):
    """Replace the project's schedule by `rows`, in their order: dicts with `label`,
    `planned_on`, `condition` (and `report`, the id of the project's report that a "report
    accepted" condition waits for), either `amount` or `share` (a percentage of the amount
    granted), and `instalment` (the id of the instalment the row keeps, or None). Shares become
    amounts to the cent; the last row given by a share takes the remainder of the rounding, so
    that shares that add up exactly make amounts that add up exactly. An instalment left out is
    removed, unless a payment was recorded on it."""
    with transaction.atomic():
        project = locked(project)
        _require(actor, project)
        existing = {instalment.pk: instalment for instalment in project.instalments.all()}
        paid = paid_per_instalment(project)
        reports = set(project.reports.values_list("pk", flat=True))
        amounts, problems = amounts_of(project.amount_granted, rows, reports)
        kept = {row.get("instalment") for row in rows} - {None}
        for pk in existing.keys() - kept:
            if paid.get(pk):
                problems.setdefault("__all__", []).append(
                    _("“%(label)s” cannot be removed: a payment was recorded on it.")
                    % {"label": existing[pk].label}
                )
        for index, row in enumerate(rows):
            if row.get("instalment") not in (None, *existing):
                problems.setdefault("__all__", []).append(_("This schedule changed meanwhile."))
            elif amounts[index] is not None and amounts[index] < paid.get(row.get("instalment"), 0):
                problems.setdefault(f"rows.{index}.amount", []).append(
                    _("%(paid)s was already paid on this instalment.")
                    % {"paid": euros_with_cents(paid[row["instalment"]])}
                )
        if problems:
            raise PaymentError(problems=problems)
        _replace(project, existing, rows, amounts)
        audit.record(
            project.decision.application_id,
            actor,
            AuditSubject.PROJECT,
            "set_schedule",
            reason=" ; ".join(
                f"{row['label']} {euros_with_cents(amount)}"
                for row, amount in zip(rows, amounts, strict=True)
            ),
        )
    return project


def amounts_of(granted, rows, reports=()):
    """([amount of each row], problems): the shares turned into amounts to the cent."""
    problems = {}
    exact = Decimal(0)
    amounts = []
    for index, row in enumerate(rows):
        wrong = row_problems(row, reports)
        for field, message in wrong:
            problems.setdefault(f"rows.{index}.{field}", []).append(message)
        if row.get("share") is not None:
            exact += granted * row["share"] / HUNDRED
            amount = (granted * row["share"] / HUNDRED).quantize(CENT, ROUND_HALF_UP)
        else:
            amount = row.get("amount")
            exact += amount or 0
        amounts.append(amount)
    if problems:
        return amounts, problems
    by_share = [index for index, row in enumerate(rows) if row.get("share") is not None]
    if exact == granted and by_share:
        last = by_share[-1]
        amounts[last] += granted - sum(amounts)
    total = sum(amounts, Decimal(0))
    if not rows:
        problems["__all__"] = [_("Give at least one instalment.")]
    elif total != granted:
        problems["__all__"] = [
            _("The instalments add up to %(total)s; the amount granted is %(granted)s.")
            % {"total": euros_with_cents(total), "granted": euros_with_cents(granted)}
        ]
    return amounts, problems


def row_problems(row, reports=()):
    """[(field, message)] of what is missing or wrong in one row; `reports`, the ids of the
    project's reports (the one a "report accepted" condition waits for is among them; without
    one, the condition is never met and its instalment is paid only with an override)."""
    found = []
    if row.get("report") is not None and row.get("report") not in reports:
        found.append(("report", _("Choose one of the project's reports.")))
    if not (row.get("label") or "").strip():
        found.append(("label", _("Give the instalment's label.")))
    if row.get("planned_on") is None:
        found.append(("planned_on", _("Give the planned date.")))
    share, amount = row.get("share"), row.get("amount")
    if share is None and amount is None:
        found.append(("amount", _("Give an amount or a share.")))
    elif share is not None and amount is not None:
        found.append(("amount", _("Give an amount or a share, not both.")))
    elif share is not None and not Decimal(0) <= share <= HUNDRED:
        found.append(("share", _("A share is between 0 and 100 %.")))
    elif amount is not None and amount < 0:
        found.append(("amount", _("An amount cannot be negative.")))
    return found


def _replace(project, existing, rows, amounts):
    """The new schedule saved: removed instalments deleted, kept ones updated, new ones made.
    Positions are moved out of the way first (each position is unique per project)."""
    kept = {row.get("instalment") for row in rows} - {None}
    Instalment.objects.filter(project=project).exclude(pk__in=kept).delete()
    for offset, pk in enumerate(kept, start=1):
        Instalment.objects.filter(pk=pk).update(position=10000 + offset)
    for position, (row, amount) in enumerate(zip(rows, amounts, strict=True), start=1):
        values = {
            "position": position,
            "label": row["label"].strip(),
            "amount": amount,
            "share": row.get("share"),
            "planned_on": row["planned_on"],
            "condition": row.get("condition") or Condition.NONE,
            # Only a "report accepted" condition names a report.
            "report_id": row.get("report")
            if row.get("condition") == Condition.REPORT_ACCEPTED
            else None,
        }
        if row.get("instalment") in existing:
            Instalment.objects.filter(pk=row["instalment"]).update(**values)
        else:
            Instalment.objects.create(project=project, **values)


# Payments


def condition_met(instalment, project):
    """Whether the instalment's condition is met, so that it may be paid without an override."""
    if instalment.condition == Condition.NONE:
        return True
    if instalment.condition == Condition.AGREEMENT_SIGNED:
        return project.agreement_is_signed
    if instalment.condition == Condition.REPORT_ACCEPTED:
        # The report it names, accepted (a report of another project never counts).
        return ProjectReport.objects.filter(
            pk=instalment.report_id, project=project, state=ReportState.ACCEPTED
        ).exists()
    if instalment.condition == Condition.DELIVERABLE_DECLARED:
        return project.deliverables.exists()
    return False


def record_payment(instalment, *, paid_on, amount, reference, actor, override_reason=""):
    """A payment made on `instalment`, recorded with its audit row; refused over what remains
    to pay, with a reference already recorded on the project, or, without an override reason,
    when the instalment's condition is not met (the override then has its own audit row)."""
    reference = (reference or "").strip()
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        project = locked(instalment.project)
        _require(actor, project)
        problems = {}
        remaining = project.amount_granted - paid_on_project(project)
        unpaid = instalment.amount - paid_per_instalment(project).get(instalment.pk, Decimal(0))
        if amount is None or amount <= 0:
            problems["amount"] = [_("A payment is more than 0.")]
        elif amount > remaining:
            problems["amount"] = [
                _("Only %(remaining)s remains to pay on this project.")
                % {"remaining": euros_with_cents(remaining)}
            ]
        elif amount > unpaid:
            problems["amount"] = [
                _("Only %(unpaid)s remains to pay on the instalment “%(label)s”.")
                % {"unpaid": euros_with_cents(max(unpaid, Decimal(0))), "label": instalment.label}
            ]
        if not reference:
            problems["reference"] = [_("Give the accounting reference.")]
        elif Payment.objects.filter(project=project, reference=reference).exists():
            problems["reference"] = [_("A payment with this reference is already recorded.")]
        met = condition_met(instalment, project)
        if not met and not override_reason:
            problems["override_reason"] = [
                _(
                    "The condition of this instalment (%(condition)s) is not met: give the "
                    "reason for paying it anyway."
                )
                % {"condition": instalment.get_condition_display()}
            ]
        if problems:
            raise PaymentError(problems=problems)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    project=project,
                    instalment=instalment,
                    paid_on=paid_on,
                    amount=amount,
                    carrier_id=project.carrier_id,
                    reference=reference,
                    recorded_by=actor,
                    override_reason="" if met else override_reason,
                )
        except IntegrityError:  # the same reference recorded at the same moment
            raise PaymentError(
                problems={"reference": [_("A payment with this reference is already recorded.")]}
            ) from None
        application = project.decision.application_id
        audit.record(
            application,
            actor,
            AuditSubject.PROJECT,
            "record_payment",
            reason=f"{instalment.label} — {euros_with_cents(amount)} — {reference}",
        )
        if not met:
            audit.record(
                application,
                actor,
                AuditSubject.PROJECT,
                "override_condition",
                reason=override_reason,
            )
        payment_recorded(payment)
    return payment


# Reading


def paid_on_project(project):
    return project.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def paid_per_instalment(project):
    return dict(
        project.payments.values("instalment")
        .annotate(total=Sum("amount"))
        .values_list("instalment", "total")
    )


def share_of(instalment, granted):
    """The share staff gave, or the amount's share of the grant to a tenth of a percent."""
    if instalment.share is not None:
        return instalment.share
    if not granted:
        return None
    return (instalment.amount * HUNDRED / granted).quantize(Decimal("0.1"), ROUND_HALF_UP)


def schedule_of(project):
    """The instalments with what was paid on each (`paid`), the payments, and the totals, in
    three queries whatever their number."""
    instalments = list(
        project.instalments.select_related("report").annotate(paid=Sum("payments__amount"))
    )
    payments = list(project.payments.select_related("instalment"))
    paid = sum((payment.amount for payment in payments), Decimal(0))
    for instalment in instalments:
        instalment.paid = instalment.paid or Decimal(0)
        instalment.share_of_grant = share_of(instalment, project.amount_granted)
    return {
        "instalments": instalments,
        "payments": payments,
        "granted": project.amount_granted,
        "paid": paid,
        "remaining": project.amount_granted - paid,
    }
