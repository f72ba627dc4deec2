"""The funding line (decisions.funding_line) over plain rows and decisions: no database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from decisions.funding_line import funding_line
from decisions.models import Outcome

pytestmark = pytest.mark.unit


def row(pk, requested, rank=None, withheld=False):
    """A ranking row (reviews.ranking.Row) as the line reads it; rank None: not scored."""
    application = SimpleNamespace(pk=pk, requested=Decimal(requested))
    return SimpleNamespace(application=application, rank=rank or None, withheld=withheld)


def decision(outcome, granted=None, proposed_outcome=None, proposed=None):
    return SimpleNamespace(
        outcome=outcome,
        amount_granted=Decimal(granted) if granted else None,
        proposed_outcome=proposed_outcome,
        proposed_amount=Decimal(proposed) if proposed else None,
    )


def test_the_natural_line_is_the_lowest_where_every_application_above_fits():
    rows = [row(1, "400", 1), row(2, "500", 2), row(3, "300", 3)]

    line = funding_line(rows, {}, Decimal("1000"))

    assert (line.natural, line.line, line.ranked) == (2, 2, 3)
    assert line.cumulatives == [Decimal("400"), Decimal("900"), Decimal("1200")]
    assert line.used == Decimal("900") and line.remaining == Decimal("100")
    assert line.above_ids == [1, 2] and not line.exceeds


def test_staff_may_move_the_line_within_the_ranked_rows_and_see_the_excess():
    rows = [row(1, "400", 1), row(2, "500", 2), row(3, "300", 3), row(4, "900")]

    assert funding_line(rows, {}, Decimal("1000"), line=9).line == 3
    assert funding_line(rows, {}, Decimal("1000"), line=-1).line == 0
    moved = funding_line(rows, {}, Decimal("1000"), line=3)
    assert moved.exceeds and moved.excess == Decimal("200")
    assert [line_row.above for line_row in moved.rows] == [True, True, True, False]


def test_each_application_counts_for_its_grant_else_the_proposal_else_its_request():
    rows = [row(1, "400", 1), row(2, "500", 2), row(3, "300", 3), row(4, "200", 4)]
    decisions = {
        1: decision(Outcome.FUNDED, granted="350"),
        2: decision(Outcome.RESERVE, proposed_outcome=Outcome.FUNDED, proposed="450"),
        3: decision(Outcome.REJECTED),
    }

    line = funding_line(rows, decisions, Decimal("10000"))

    assert [line_row.amount for line_row in line.rows] == [
        Decimal("350"),
        Decimal("450"),
        Decimal("0"),
        Decimal("200"),
    ]


def test_a_withheld_row_never_counts_for_the_councils_proposal():
    proposal = decision(Outcome.RESERVE, proposed_outcome=Outcome.FUNDED, proposed="450")
    rows = [row(1, "500", 1, withheld=True)]

    line = funding_line(rows, {1: proposal}, Decimal("10000"))

    assert line.rows[0].amount == Decimal("500")


def test_applications_without_a_score_stay_below_the_line():
    rows = [row(1, "400", 1), row(2, "100")]

    line = funding_line(rows, {}, Decimal("10000"))

    assert line.ranked == 1 and line.line == 1
    assert line.rows[1].cumulative is None and not line.rows[1].above
