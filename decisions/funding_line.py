"""The funding line on a call's ranking: staff move it and see what the applications above it
would use of the envelope, before anything is recorded.

Each ranked application counts for its granted amount once funded, else the amount the council
proposed, else the amount requested; a rejected application, or one whose funding was withdrawn,
counts for nothing. Applications without a score stay below the line.

A row withheld from its reader (reviews.ranking: a council member in conflict with it, or who
owes its review) counts for its final decision, which everyone reads, else for its amount
requested, never for the council's proposal: otherwise its amount, or the cumulative and the
remainder after it, would tell the proposal that its own column withholds. The page says so.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .budget import ZERO
from .models import Outcome

# A labelled application (a CollEx label call's) costs the envelope nothing either.
NOT_FUNDED = (Outcome.REJECTED, Outcome.WITHDRAWN, Outcome.LABELLED)


@dataclass
class LineRow:
    row: object  # a reviews.ranking.Row
    decision: object  # a Decision or None
    amount: Decimal
    cumulative: Decimal | None = None
    above: bool = False

    @property
    def application(self):
        return self.row.application


@dataclass
class FundingLine:
    envelope: Decimal
    line: int  # how many ranked applications are above the line
    natural: int  # the lowest line whose applications all fit in the envelope
    rows: list = field(default_factory=list)
    ranked: int = 0

    @property
    def used(self) -> Decimal:
        return self.cumulative_at(self.line)

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.used

    @property
    def excess(self) -> Decimal:
        return self.used - self.envelope

    @property
    def exceeds(self) -> bool:
        return self.used > self.envelope

    def cumulative_at(self, line) -> Decimal:
        return self.rows[line - 1].cumulative if line > 0 else ZERO

    @property
    def cumulatives(self):
        """The cumulative amount at each line position 1..ranked, for the page's script."""
        return [row.cumulative for row in self.rows[: self.ranked]]

    @property
    def above_ids(self):
        return [row.application.pk for row in self.rows[: self.line]]


def amount_of(decision, requested, *, proposal_withheld=False) -> Decimal:
    if decision is not None:
        if decision.outcome in NOT_FUNDED:
            return ZERO
        if decision.outcome == Outcome.FUNDED:
            return decision.amount_granted
        if (
            not proposal_withheld
            and decision.proposed_outcome == Outcome.FUNDED
            and decision.proposed_amount is not None
        ):
            return decision.proposed_amount
    return requested or ZERO


def funding_line(rows, decisions, envelope, line=None) -> FundingLine:
    """rows: the ranking, best first; decisions: {application id: Decision}; line: where staff
    put it (None: the natural line)."""
    result = FundingLine(envelope=envelope, line=0, natural=0)
    total = ZERO
    for row in rows:
        decision = decisions.get(row.application.pk)
        line_row = LineRow(
            row=row,
            decision=decision,
            amount=amount_of(
                decision, row.application.requested, proposal_withheld=bool(row.withheld)
            ),
        )
        if row.rank:
            total += line_row.amount
            line_row.cumulative = total
            result.ranked += 1
            if total <= envelope and result.natural == result.ranked - 1:
                result.natural = result.ranked
        result.rows.append(line_row)
    result.line = result.natural if line is None else max(0, min(line, result.ranked))
    for line_row in result.rows[: result.line]:
        line_row.above = True
    return result
