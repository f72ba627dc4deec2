"""Filters of the governance reports: {{ amount|money }}, {{ rate|percent }}."""

from django import template

from common.formats import money_or_dash, percent

register = template.Library()

register.filter("money", money_or_dash)
register.filter("percent", percent)
