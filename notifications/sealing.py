"""Personal links and codes (to confirm an address, reset a password, accept an invitation) go to
their recipient by e-mail and are kept nowhere anyone else could read them.

Templates of messages with a personal link never see it: they are given a placeholder, which
is replaced by the link only in the sealed copy that the e-mail is made of. A message that
carries one is stored twice: the text everyone may see (the delivery log, an inbox) with a mark
where the link goes, and the sealed copy. The sealed copy is dropped as soon as the e-mail has
left; the message then cannot be resent (the person asks for a new link instead).
"""

import secrets

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Delivery, DeliveryState, Message


def mark(language):
    with translation.override(language):
        return _("[personal link, sent by e-mail only]")


def placeholder():
    """What a template is given instead of a personal link: an address of the same shape that
    leads nowhere, unique to the message. Whatever a template does with it (print it, take it
    apart letter by letter, test what it contains), it learns nothing of the link."""
    return f"{settings.SITE_URL}/personal-link-{secrets.token_hex(16)}/"


def seal(message, stand_ins):
    """Seal the personal links of the unsaved `message`. `stand_ins` maps what stands in its
    text (a placeholder, or the secret itself for e-mails rendered elsewhere) to what the
    e-mail must say. The text everyone may see gets a mark instead; the sealed copy, the
    e-mail's, gets the real value; a subject never carries one."""
    stand_ins = {shown: real for shown, real in stand_ins.items() if shown}
    found = [
        shown
        for shown in stand_ins
        if shown in message.text or shown in message.html or shown in message.subject
    ]
    if message.url in stand_ins or message.url in stand_ins.values():
        message.url = ""
    if not found:
        return message
    masked = mark(message.language)
    text, html = message.text, message.html
    sealed_text, sealed_html = text, html
    for shown in sorted(found, key=len, reverse=True):
        real = stand_ins[shown]
        text = text.replace(shown, masked)
        sealed_text = sealed_text.replace(shown, real)
        for form in {escape(shown), shown}:
            html = html.replace(form, escape(masked))
            sealed_html = sealed_html.replace(form, escape(real))
        message.subject = message.subject.replace(shown, masked)
    message.text, message.html = text, html
    message.sealed_text, message.sealed_html = sealed_text, sealed_html
    message.personal_link = True
    return message


def drop_sealed(message_id):
    """Forget the sealed text of `message_id` once no delivery of it is waiting to be sent."""
    waiting = Delivery.objects.filter(message=OuterRef("pk"), state=DeliveryState.PENDING)
    Message.objects.filter(pk=message_id, personal_link=True).exclude(Exists(waiting)).update(
        sealed_text="", sealed_html=""
    )
