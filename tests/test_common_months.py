"""The last day of a span of months: the day before the same day at its end, or the end
month's last day when that month has no such day."""

import datetime as dt

import pytest

from common.months import add_months, last_day_of

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (D(2028, 1, 1), 12, D(2028, 12, 31)),
        (D(2028, 3, 15), 60, D(2033, 3, 14)),
        (D(2028, 2, 29), 60, D(2033, 2, 28)),  # no 29 February in 2033
        (D(2028, 2, 29), 48, D(2032, 2, 28)),  # 29 February 2032 exists
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # no 31 February: February's last day
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 30), 1, D(2028, 2, 29)),
        (D(2028, 3, 31), 1, D(2028, 4, 30)),
        (D(2028, 5, 31), 1, D(2028, 6, 30)),
        (D(2028, 12, 31), 1, D(2029, 1, 30)),
        (D(2028, 3, 1), 1, D(2028, 3, 31)),
        (D(2028, 2, 1), 1, D(2028, 2, 29)),
    ],
)
def test_a_span_ends_the_day_before_the_same_day_or_at_the_month_end(start, months, last):
    assert last_day_of(start, months) == last


def test_add_months_keeps_the_month_end():
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2028, 2, 29), 60) == D(2033, 2, 28)
