"""Filters of the governance reports: {{ amount|money }}, {{ rate|percent }}."""

from django import template

from reports.governance import formatting

register = template.Library()


@register.filter
def money(value):
    return formatting.money(value)


@register.filter
def percent(value):
    return formatting.percent(value)
