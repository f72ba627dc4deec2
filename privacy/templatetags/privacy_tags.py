from django import template

from ..pages import PrivacyNoticePage

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_notice(context):
    """The live privacy notice page, or None: {% privacy_notice as notice %}.

    It can only live under the home page, whose live children every page has already fetched
    for its footer (`footer_pages`, cms.context_processors.site_navigation, once per request):
    found among them, it costs no query of its own.
    """
    pages = context.get("footer_pages") or ()
    return next((page for page in pages if isinstance(page, PrivacyNoticePage)), None)
