"""Money, rates, scores and dates as the person reading them writes them, in the active
language; PARIS, the time zone of every deadline. Template tag libraries only register these."""

from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\xa0"


def english():
    return (get_language() or "fr").startswith("en")


def in_euros(amount, places):
    number = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    if english():
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


def money_or_dash(value):
    """An amount to the cent, or a dash when there is none, as reports print their tables."""
    return "—" if value is None or value == "" else euros_with_cents(value)


def percent(value):
    """A rate with one decimal: "42,5 %" in French, "42.5%" in English; a dash when None."""
    if value is None:
        return "—"
    number = formats.number_format(Decimal(value), 1, use_l10n=True)
    return f"{number}%" if english() else f"{number}{NBSP}%"


def score(value):
    """A score without trailing zeros, with the language's decimal separator: 14.50 -> "14,5"
    in French, "14.5" in English; "" when None."""
    if value is None or value == "":
        return ""
    number = Decimal(value).quantize(Decimal("0.01")).normalize()
    places = max(-number.as_tuple().exponent, 0)
    return formats.number_format(number, decimal_pos=places, use_l10n=True)


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
