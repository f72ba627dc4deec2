"""Scores as the deliberation pages show them: 14.50 -> "14,5" in French, "14.5" in English."""

from django import template

from common.formats import score
from reviews.call_pages import call_pages

register = template.Library()

register.filter("score", score)


@register.simple_tag(takes_context=True)
def staff_pages(context, call):
    """{% staff_pages call as pages %}: the pages of `call` the signed-in person may open."""
    return call_pages(context["request"].user, call)
