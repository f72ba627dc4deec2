"""What a text that staff edit (a message, a letter) may state about a call: plain values only,
read in the recipient's language when the text is rendered (common.sandbox)."""

from django.conf import settings
from django.utils.functional import lazy

from .models import CallKind


def in_language(read):
    """A value read when the text is rendered, in the recipient's language (a lazy string)."""
    return lazy(read, str)()


def call_facts(call):
    return {
        "title": in_language(lambda: call.title),
        "kind": call.kind,
        "kind_label": CallKind(call.kind).label if call.kind in CallKind.values else "",
        "opens_at": call.opens_at,
        "closes_at": call.closes_at,
        "reply_opens_at": call.reply_opens_at,
        "reply_closes_at": call.reply_closes_at,
        "reply_max_chars": call.reply_max_chars,
        "contact_email": call.contact_email,
        "url": in_language(lambda: f"{settings.SITE_URL}{call.get_absolute_url()}"),
    }
