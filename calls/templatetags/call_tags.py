"""Template helpers for the public call pages: money in euros, Paris time, the apply link."""

from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\xa0"


@register.filter
def euros(value):
    """400000 -> "400 000 €" in French, "€400,000" in English; cents only when there are some."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    return in_euros(amount, 0 if amount == amount.to_integral_value() else 2)


def euros_with_cents(value):
    """Always to the cent, as letters and reports write amounts: 12 500,00 € / €12,500.00."""
    return in_euros(Decimal(value), 2)


def in_euros(amount, places):
    number = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    if (get_language() or "fr").startswith("en"):
        return f"€{number}"
    return f"{number}{NBSP}€"


@register.filter
def paris_datetime(value):
    """An aware datetime shown as a date and a 24-hour time in Paris, whatever the active zone."""
    if not value:
        return ""
    local = value.astimezone(PARIS)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": local.strftime("%H:%M"),
    }


@register.filter
def paris_date(value):
    if not value:
        return ""
    return formats.date_format(value.astimezone(PARIS), "DATE_FORMAT")


@register.filter
def iso_datetime(value):
    """For <time datetime>: HTML allows at most three digits of a second's fraction; give none."""
    return value.astimezone(PARIS).isoformat(timespec="seconds") if value else ""


@register.simple_tag
def days_until(value):
    """Whole days left before `value` (0 when less than a day is left)."""
    return max((value - timezone.now()).days, 0)


@register.simple_tag(takes_context=True)
def apply_url(context, call):
    """Where the Apply button leads: the one place that decides it.

    Signed-in people POST to the start of an application (apply.html makes the button a form);
    visitors sign in (or up) and come back to the call's page.
    """
    if context["request"].user.is_authenticated:
        return reverse("applications:start", kwargs={"slug": call.slug}) if call.slug else None
    login = reverse("account_login")
    return f"{login}?{urlencode({'next': call.get_absolute_url()})}"


@register.filter
def file_size(document):
    """The size of a Wagtail document in bytes, without writing to the database."""
    if document.file_size is not None:
        return document.file_size
    try:
        return document.file.size
    except (OSError, ValueError):
        return None
