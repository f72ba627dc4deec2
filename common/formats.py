"""Money and dates as the person reading them writes them, in the active language."""

from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\xa0"


def in_euros(amount, places):
    number = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    if (get_language() or "fr").startswith("en"):
        return f"€{number}"
    return f"{number}{NBSP}€"


def euros(value):
    """400000 -> "400 000 €" in French, "€400,000" in English; cents only when there are some."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    return in_euros(amount, 0 if amount == amount.to_integral_value() else 2)


def euros_with_cents(value):
    """Always to the cent, as letters and reports write amounts: 12 500,00 € / €12,500.00."""
    return in_euros(Decimal(value), 2)


def money(value):
    """An amount to the cent when `value` is a number; anything else as it is (a letter's
    `amount` arrives already written out)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return value
    try:
        return euros_with_cents(value)
    except (InvalidOperation, TypeError, ValueError):
        return value


def paris_datetime(value):
    """An aware datetime shown as a date and a 24-hour time in Paris, whatever the active zone."""
    if not value:
        return ""
    local = value.astimezone(PARIS)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": local.strftime("%H:%M"),
    }


def paris_date(value):
    if not value:
        return ""
    return formats.date_format(value.astimezone(PARIS), "DATE_FORMAT")
