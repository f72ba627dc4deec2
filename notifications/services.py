"""notify(): the one way other apps tell someone something; and every change to messages,
deliveries and preferences.

A message is rendered at once, in its recipient's language, and written in the caller's
transaction (an outbox): if that transaction rolls back, no message exists. Its e-mail is queued
to a Celery task when the transaction commits; if the broker is down then, the sweeper
(tasks.send_unsent) sends it later.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import Refused
from common.sandbox import plain, shape_problems

from .events import ACCOUNT, REVIEWER_IDENTITY, RULES, Audience, Event, is_mandatory
from .models import Delivery, EmailMode, Message, Preference
from .previews import sample_context
from .rendering import Templates, common_context, one_line
from .sealing import placeholder, seal

logger = logging.getLogger(__name__)


class PreferenceRefused(Refused):
    """A mandatory kind of message cannot be turned off or deferred."""


class ResendRefused(Refused):
    """The message cannot be sent again; the text says why, for the person who asked."""


def notify(event, recipients, context=None, *, url="", language=None, attachments=(), about=""):
    """Tell each recipient about `event`, in the current transaction. Returns the messages.

    recipients: User objects (their language, their inbox, their preferences), or e-mail
        addresses of people without an account (then `language`, French by default).
    context: plain values (common.sandbox.plain: text, numbers, dates, lists and dicts of them;
        lazy strings are read in each recipient's language), shaped like the event's sample
        (notifications.previews). Never a model instance: staff edit these templates.
    url: the absolute or site-relative link the message points to (given in the current
        language; each recipient gets it in theirs). When the event's link is personal (it
        carries a token), it is sent by e-mail only and never kept where staff could read it.
    attachments: ("dotted.path.to.provider", [args]) pairs; each provider is called when the
        e-mail is sent, with the args and language=, and returns (filename, bytes, mimetype).
    about: what the message is about, as a key ("projects.payment:12"): whoever was already
        told of `event` about it is not told again, so that telling twice is harmless (the
        caller holds the row it is about locked, so that two requests do not both tell).
    """
    event = Event(event)
    rules = RULES[event]
    people = unique(recipients)
    if about:
        people = not_told_yet(event, about, people)
    context = dict(context or {})
    if rules.audience in Audience.reach_applicants:
        # Reviews are confidential: nothing that could name a reviewer reaches an applicant.
        context = {key: value for key, value in context.items() if key not in REVIEWER_IDENTITY}
    modes = email_modes(event, [person for person in people if not isinstance(person, str)])
    templates = Templates(event)
    messages = []
    for person in people:
        user = None if isinstance(person, str) else person
        lang = recipient_language(user, language)
        link = link_for(url, lang)
        # A personal link is never given to a template, only a stand-in (notifications.sealing).
        shown = placeholder() if rules.secret_link and link else link
        with translation.override(lang):
            offered = sample_context(event)
            values = plain(
                {
                    **context,
                    **common_context(
                        user.get_full_name() if user else "", shown, has_account=user is not None
                    ),
                }
            )
            check_shape(event, values, offered)
            rendered = templates.render(lang, values, offered)
        message = Message(
            event=event,
            user=user,
            email=user.email if user else person,
            language=lang,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            url=link,
            attachments=[[provider, list(args)] for provider, args in attachments],
            in_inbox=user is not None,
            email_mode=modes.get(user.pk, EmailMode.IMMEDIATE) if user else EmailMode.IMMEDIATE,
            about=about,
        )
        if shown != link:
            seal(message, {shown: link})
        messages.append(message)
    Message.objects.bulk_create(messages)
    queue_deliveries([message for message in messages if message.email_mode == EmailMode.IMMEDIATE])
    return messages


def check_shape(event, values, offered):
    """A caller's context that strays from the event's sample is a programming error: loud in
    development and tests, logged in production (the message still goes)."""
    problems = shape_problems(values, offered)
    if not problems:
        return
    if settings.NOTIFICATIONS_STRICT_CONTEXT:
        raise TypeError(f"{event}: {'; '.join(problems)}")
    logger.error("The context of %s strays from its sample: %s", event, "; ".join(problems))


def send_account_email(email, language=None, secrets=()):
    """An e-mail rendered elsewhere (allauth's account e-mails), sent through the outbox: it
    cannot be turned off and is in nobody's inbox (its recipient may have no account yet).
    `secrets` (confirmation and reset links, codes) are sent but never kept readable."""
    html = next((body for body, mimetype in email.alternatives if mimetype == "text/html"), "")
    messages = []
    for address in email.to:
        message = Message(
            event=ACCOUNT,
            email=address,
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
            subject=one_line(email.subject)[:255],
            text=email.body,
            html=html,
            in_inbox=False,
        )
        seal(message, {secret: secret for secret in secrets})
        messages.append(message)
    Message.objects.bulk_create(messages)
    queue_deliveries(messages)
    return messages


def queue_deliveries(messages, requested_by=None):
    """One delivery per message, sent by a worker once the current transaction commits."""
    if not messages:
        return []
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(message=message, to=message.email, next_attempt_at=now, requested_by=requested_by)
        for message in messages
    )
    delivery_ids = [delivery.pk for delivery in deliveries]
    # A plain function, not a partial: Django names the callback when it logs a failure.
    transaction.on_commit(lambda: enqueue(delivery_ids), robust=True)
    return deliveries


def enqueue(delivery_ids):
    """Hand the deliveries to Celery. If the broker is down this raises, on_commit(robust=True)
    logs it, and the deliveries stay pending for the sweeper."""
    from .tasks import send_delivery

    for delivery_id in delivery_ids:
        send_delivery.delay(delivery_id)


def resend(message, actor):
    """Staff send a message again: a new delivery, logged with who asked. A personal link
    (a token) is kept only until its e-mail leaves: such a message cannot be sent again."""
    if message.personal_link and not message.sealed_text:
        raise ResendRefused(
            _(
                "This message carried a personal link, which is not kept once sent. The person "
                "can ask for a new one (a new confirmation, a new password reset, a new "
                "invitation)."
            )
        )
    with transaction.atomic():
        [delivery] = queue_deliveries([message], requested_by=actor)
    logger.info("Message %s resent by user %s (delivery %s)", message.pk, actor.pk, delivery.pk)
    return delivery


def mark_read(message):
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def mark_all_read(user):
    return Message.objects.inbox(user).unread().update(read_at=timezone.now())


def set_preferences(user, choices):
    """Save how `user` wants each kind by e-mail ({event: EmailMode}); a mandatory kind is
    always at once (refused otherwise). Kinds left out are at once."""
    for event, mode in choices.items():
        if is_mandatory(event) and mode != EmailMode.IMMEDIATE:
            raise PreferenceRefused(event)
    with transaction.atomic():
        Preference.objects.filter(user=user).delete()
        Preference.objects.bulk_create(
            Preference(user=user, event=event, email_mode=mode)
            for event, mode in choices.items()
            if mode != EmailMode.IMMEDIATE
        )


def preferences_of(user):
    """{event: EmailMode} for every event, mandatory ones at once whatever is stored."""
    stored = dict(Preference.objects.filter(user=user).values_list("event", "email_mode"))
    return {
        event: EmailMode.IMMEDIATE
        if is_mandatory(event)
        else EmailMode(stored.get(event, EmailMode.IMMEDIATE))
        for event in Event
    }


def email_modes(event, users):
    """{user id: EmailMode} for the users who chose something other than "at once"."""
    if is_mandatory(event) or not users:
        return {}
    return dict(
        Preference.objects.filter(event=event, user__in=users).values_list("user_id", "email_mode")
    )


def unique(recipients):
    """Each person once: users by id, addresses by their lower-case form."""
    seen, people = set(), []
    for recipient in recipients:
        key = recipient.strip().lower() if isinstance(recipient, str) else recipient.pk
        if key and key not in seen:
            seen.add(key)
            people.append(recipient.strip() if isinstance(recipient, str) else recipient)
    return people


def not_told_yet(event, about, people):
    """`people` but those who have a message of `event` about `about` (users by id, addresses
    by their lower-case form), in one query."""
    told = Message.objects.filter(event=event, about=about).values_list("user_id", "email")
    users = {user_id for user_id, _email in told if user_id}
    addresses = {email.lower() for user_id, email in told if not user_id}
    return [
        person
        for person in people
        if (person.lower() not in addresses if isinstance(person, str) else person.pk not in users)
    ]


def recipient_language(user, language):
    codes = [code for code, _name in settings.LANGUAGES]
    for candidate in (getattr(user, "language", None), language):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def link_for(url, language):
    """`url` in `language` (French and English paths differ), made absolute with SITE_URL."""
    if not url:
        return ""
    url = translate_url(url, language)
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url
