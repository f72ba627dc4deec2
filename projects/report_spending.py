"""The budget a financial statement is checked against: the amount granted per budget category
(the latest accepted reallocation, else the budget asked, scaled pro rata to the amount granted
when it does not add up to it), and the statement's rows and totals."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from applications.models import BudgetCategory

from .models import Amendment, AmendmentKind, AmendmentState


def as_amount(value):
    """A finite Decimal, or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


@dataclass(frozen=True)
class GrantedBudget:
    """The budget granted per category (`amounts`, in the categories' order), and where it comes
    from: the latest accepted reallocation or the budget asked (`reallocated`), scaled to the
    amount granted when it did not add up to it (`scaled`)."""

    amounts: dict
    reallocated: bool
    scaled: bool

    @property
    def note(self):
        if self.reallocated and self.scaled:
            return _(
                "Granted per category: the accepted reallocation's amounts, in proportion to "
                "the amount granted."
            )
        if self.reallocated:
            return _("Granted per category: the accepted reallocation's amounts.")
        if self.scaled:
            return _("Granted per category: the budget asked, in proportion to the amount granted.")
        return _("Granted per category: the budget asked.")


def granted_budget(project):
    """The budget granted per category: the amounts of the latest accepted reallocation, else
    the application's budget asked; when they do not add up to the amount granted (a grant
    lower than asked, money given back, a closure), scaled to it pro rata (pro_rata)."""
    reallocation = (
        Amendment.objects.filter(
            project=project, kind=AmendmentKind.REALLOCATION, state=AmendmentState.ACCEPTED
        )
        .order_by("-decided_at", "-pk")
        .values_list("reallocation", flat=True)
        .first()
    )
    if reallocation:
        amounts = {category: as_amount(amount) for category, amount in reallocation.items()}
    else:
        amounts = {
            row["value"]: row["requested"]
            for row in project.decision.application.budget_by_category()
            if row["used"]
        }
    base = {
        category: amounts[category] or Decimal(0)
        for category in BudgetCategory.values
        if category in amounts
    }
    granted = project.amount_granted
    scaled = granted is not None and sum(base.values(), Decimal(0)) not in (0, granted)
    return GrantedBudget(pro_rata(base, granted) if scaled else base, bool(reallocation), scaled)


def pro_rata(base, total):
    """`base`'s amounts scaled to add up to `total`, each rounded to the cent, the rounding's
    remainder on the largest (the first of equals)."""
    whole = sum(base.values(), Decimal(0))
    cent = Decimal("0.01")
    amounts = {
        category: (amount * total / whole).quantize(cent, rounding=ROUND_HALF_UP)
        for category, amount in base.items()
    }
    largest = max(base, key=lambda category: base[category])
    amounts[largest] += total - sum(amounts.values(), Decimal(0))
    return amounts


def granted_by_category(project):
    """{category: Decimal} of the budget granted, in the categories' order (granted_budget)."""
    return granted_budget(project).amounts


def spending_rows(report, spending=None, budget=None):
    """The financial statement's rows: each category with its label, granted (from `budget`,
    the project's granted_budget when not given), spent and what remains (None where nothing
    valid was typed)."""
    spending = report.spending if spending is None else spending
    budget = budget or granted_budget(report.project)
    labels = dict(BudgetCategory.choices)
    rows = []
    for category, granted in budget.amounts.items():
        spent = as_amount(spending.get(category))
        rows.append(
            {
                "category": category,
                "label": labels[category],
                "granted": granted,
                "spent": spent,
                "remaining": None if spent is None else granted - spent,
            }
        )
    return rows


def spending_totals(rows):
    """The statement's totals: granted, spent and remaining; spent and remaining are None until
    every category's spending is given."""
    granted = sum((row["granted"] for row in rows), Decimal(0))
    spent = [row["spent"] for row in rows]
    if None in spent:
        return {"granted": granted, "spent": None, "remaining": None}
    spent = sum(spent, Decimal(0))
    return {"granted": granted, "spent": spent, "remaining": granted - spent}
