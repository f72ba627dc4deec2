"""Scores as the deliberation pages show them: 14.50 -> "14,5" in French, "14.5" in English."""

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def score(value):
    """A score without trailing zeros, with the language's decimal separator; "" when None."""
    if value is None or value == "":
        return ""
    number = Decimal(value).quantize(Decimal("0.01")).normalize()
    places = max(-number.as_tuple().exponent, 0)
    return formats.number_format(number, decimal_pos=places, use_l10n=True)
