"""notify(): the one way other apps tell someone something.

PLACEHOLDER until the outbox lands (issue 5): renders templates/notifications/<event>.txt in the
recipient's language and queues an e-mail. The signature is the contract.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import queue_email


def notify(event, recipients, context=None, *, url="", language=None):
    """Tell each recipient about `event`, in the current transaction.

    recipients: User objects, or e-mail addresses of people without an account (then `language`).
    context: rendered at once, per recipient, in the recipient's language (model instances welcome).
    url: the absolute or site-relative link the message points to.
    """
    for recipient in recipients:
        email = getattr(recipient, "email", recipient)
        lang = getattr(recipient, "language", None) or language or "fr"
        with translation.override(lang):
            ctx = {**(context or {}), "recipient": recipient, "url": url}
            text = render_to_string(f"notifications/{event}.txt", ctx)
        subject, _sep, body = text.strip().partition("\n")
        queue_email(EmailMultiAlternatives(subject=subject.strip(), body=body.strip(), to=[email]))
