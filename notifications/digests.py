"""The daily digest: one e-mail per person gathering the messages they chose to receive that way.

Each person's messages are locked (SKIP LOCKED) and marked as gathered in the same transaction as
the digest is written, so two runs at once never put a message in two digests.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from common.sandbox import plain

from .events import DIGEST
from .models import Message
from .previews import sample_context
from .rendering import Templates, common_context
from .services import link_for, queue_deliveries, recipient_language


def send_digests(now=None):
    """A digest for everyone with waiting messages; returns how many digests were written."""
    now = now or timezone.now()
    people = (
        Message.objects.waiting_for_digest()
        .filter(created_at__lte=now)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by()
    )
    templates = Templates(DIGEST)
    return sum(1 for user_id in list(people) if send_digest(user_id, now, templates))


def send_digest(user_id, now, templates=None):
    """Gather `user_id`'s waiting messages into one digest message and queue its e-mail."""
    with transaction.atomic():
        waiting = list(
            Message.objects.waiting_for_digest()
            .filter(user_id=user_id, created_at__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "pk")
        )
        if not waiting:
            return None
        user = get_user_model().objects.get(pk=user_id)
        language = recipient_language(user, None)
        with translation.override(language):
            link = link_for(reverse("notifications:inbox"), language)
            values = plain(
                {
                    "messages": [digest_line(message) for message in waiting],
                    **common_context(user.get_full_name(), link, has_account=True),
                }
            )
            rendered = (templates or Templates(DIGEST)).render(
                language, values, sample_context(DIGEST)
            )
        digest = Message.objects.create(
            event=DIGEST,
            user=user,
            email=user.email,
            language=language,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            url=link,
            in_inbox=False,
        )
        Message.objects.filter(pk__in=[message.pk for message in waiting]).update(digest=digest)
        queue_deliveries([digest])
    return digest


def digest_line(message):
    """A gathered message as the digest shows it (plain values)."""
    return {
        "title": message.title,
        "text": message.text,
        "url": message.url,
        "created_at": message.created_at,
    }
