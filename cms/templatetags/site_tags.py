from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code):
    """The current page's address in another language (keeps the query string)."""
    request = context["request"]
    url = translate_url(request.path, language_code)
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url
