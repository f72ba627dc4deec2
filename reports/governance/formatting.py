"""Figures as the reports print them, in the active language: money always with cents
("12 500,00 €" in French, "€12,500.00" in English), rates with one decimal ("42,5 %")."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language

from common.formats import euros_with_cents

NBSP = "\xa0"


def english():
    return (get_language() or "fr").startswith("en")


def money(value):
    return "—" if value is None or value == "" else euros_with_cents(value)


def percent(value):
    if value is None:
        return "—"
    number = formats.number_format(Decimal(value), 1, use_l10n=True)
    return f"{number}%" if english() else f"{number}{NBSP}%"
