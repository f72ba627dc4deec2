"""{% error_summary form formset ... as errors %}: the list the summary include shows."""

from django import template

from common.forms import error_summary as summary_of

register = template.Library()


@register.simple_tag
def error_summary(*forms_and_formsets):
    return summary_of(*forms_and_formsets)
