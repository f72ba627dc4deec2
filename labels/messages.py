"""What the registry tells a collection's holders, through the outbox (notifications.notify):
an invitation to renew its label through a call, and its label's lapse.

The facts a message states about a collection are plain values (collection_facts), read in
each recipient's language when the message is written; each message names what it is about, so
that telling twice tells nobody twice.
"""

from django.conf import settings
from django.urls import reverse

from calls.facts import call_facts, in_language
from notifications.events import Event
from notifications.services import notify


def collection_facts(collection):
    """The collection as messages state it: its name, code, public page and label dates."""
    return {
        "name": in_language(lambda: collection.name),
        "code": collection.code,
        "url": in_language(lambda: f"{settings.SITE_URL}{collection.get_absolute_url()}"),
        "labelled_since": collection.labelled_since,
        "expires_on": collection.expires_on,
    }


def holders_of(collection):
    return list(collection.holders.filter(is_active=True).order_by("pk"))


def renewal_path(invitation):
    """The page where a holder starts the renewal application (applications' renewal view)."""
    return reverse(
        "applications:renew",
        kwargs={"slug": invitation.call.slug, "collection": invitation.collection_id},
    )


def renewal_invited(invitation):
    """The holders of an invited collection are asked to apply to the campaign's call, with the
    link that starts their renewal application (`apply_url`, absolute, in their language)."""
    collection = invitation.collection
    return notify(
        Event.LABEL_RENEWAL_INVITED,
        holders_of(collection),
        {
            "collection": collection_facts(collection),
            "call": call_facts(invitation.call),
            "apply_url": in_language(lambda: f"{settings.SITE_URL}{renewal_path(invitation)}"),
        },
        url=renewal_path(invitation),
        about=f"labels.renewalinvitation:{invitation.pk}",
    )


def label_lapsed(notice):
    """The holders are told that their collection's label expired (once per expiry)."""
    collection = notice.collection
    return notify(
        Event.LABEL_LAPSED,
        holders_of(collection),
        {"collection": collection_facts(collection)},
        url=collection.get_absolute_url(),
        about=f"labels.lapsenotice:{notice.pk}",
    )
