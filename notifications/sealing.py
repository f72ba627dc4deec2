"""Personal links and codes (to confirm an address, reset a password, accept an invitation) go to
their recipient by e-mail and are kept nowhere anyone else could read them.

A message that carries one is stored twice: the text everyone may see (the delivery log, an
inbox) with the secret replaced by a mark, and the sealed text that the e-mail is made of. The
sealed text is dropped as soon as the e-mail has left; the message then cannot be resent (the
person asks for a new link instead).
"""

from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Delivery, DeliveryState, Message


def mark(language):
    with translation.override(language):
        return _("[personal link, sent by e-mail only]")


def seal(message, secrets):
    """Replace each of `secrets` (non-empty strings) in the unsaved `message` by a mark, keeping
    the original text sealed for its e-mail."""
    secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
    if not secrets:
        return message
    masked = mark(message.language)
    text, html = message.text, message.html
    for secret in secrets:
        text = text.replace(secret, masked)
        html = html.replace(escape(secret), escape(masked)).replace(secret, escape(masked))
    if message.url in secrets:
        message.url = ""
    if text == message.text and html == message.html:
        return message
    message.sealed_text, message.sealed_html = message.text, message.html
    message.text, message.html = text, html
    message.personal_link = True
    return message


def drop_sealed(message_id):
    """Forget the sealed text of `message_id` once no delivery of it is waiting to be sent."""
    waiting = Delivery.objects.filter(message=OuterRef("pk"), state=DeliveryState.PENDING)
    Message.objects.filter(pk=message_id, personal_link=True).exclude(Exists(waiting)).update(
        sealed_text="", sealed_html=""
    )
