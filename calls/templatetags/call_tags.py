"""Template helpers for the public call pages: money in euros, Paris time, the apply link."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from common.formats import PARIS, euros, paris_date, paris_datetime, percent

from ..translated import lang_attribute

register = template.Library()


register.filter("euros", euros)
register.filter("paris_datetime", paris_datetime)
register.filter("paris_date", paris_date)
register.filter("percent", percent)


@register.filter
def lang_attr(language):
    """` lang="fr"` for content in another language than the page's (French text on an English
    page, where a call has no English version), so that screen readers read it in its language;
    nothing when it is the page's. {{ criterion.name_language|lang_attr }}, {{ "fr"|lang_attr }}
    for what staff write in French only (a description, a help text)."""
    return lang_attribute(language)


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
