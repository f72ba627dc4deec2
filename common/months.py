"""Dates a number of months apart, as agreements and labels count them."""

import calendar
import datetime as dt


def add_months(start, months):
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def last_day_of(start, months):
    """The last day of a span of `months` that begins on `start` (both days included): a span
    of 12 months from 1 January ends on 31 December."""
    return add_months(start, months) - dt.timedelta(days=1)
