"""Dates a number of months apart, as agreements and labels count them."""

import calendar
import datetime as dt


def _month_after(start, months):
    """(year, month, number of days) of the month `months` after `start`'s."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return year, month, calendar.monthrange(year, month)[1]


def add_months(start, months):
    """The same day `months` later, or the month's last day when it has no such day."""
    year, month, days = _month_after(start, months)
    return dt.date(year, month, min(start.day, days))


def last_day_of(start, months):
    """The last day of a span of `months` that begins on `start` (both days included): the day
    before the same day `months` later (12 months from 1 January end on 31 December), or that
    month's last day when it has no such day (60 months from 29 February 2028 end on 28 February
    2033, one month from 31 January 2028 on 29 February 2028)."""
    year, month, days = _month_after(start, months)
    if start.day > days:
        return dt.date(year, month, days)
    return dt.date(year, month, start.day) - dt.timedelta(days=1)
