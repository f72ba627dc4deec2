"""The personal data of the registry of labelled collections: who keeps which collection's
record (CollectionHolder), the addresses holders invite (HolderInvitation) and who made each
version of a record (RecordVersion.author). The records themselves describe collections, not
people: they stay whole.

A person's export lists the collections they keep, the versions they made and the invitations
they sent; an account anonymised loses its holdings and invitations, and its versions stay
without an author; invitations go with the delivery log's period (they are messages)."""

from django.db.models import Exists, OuterRef, Q

from labels.models import CollectionHolder, HolderInvitation, RecordVersion
from labels.status import paris_today

from .export_data import label


def collections(user):
    """The content of collections.json: the collections `user` keeps and the invitations they
    sent (never a token nor its hash); empty when there are none."""
    holdings = list(
        CollectionHolder.objects.filter(user=user)
        .select_related("collection")
        .order_by("added_at", "pk")
    )
    versions = RecordVersion.objects.filter(author=user).order_by("collection_id", "number")
    made = {}
    for version in versions:
        made.setdefault(version.collection_id, []).append(
            {
                "version": version.number,
                "made_at": version.created_at,
                "as": version.get_source_display(),
            }
        )
    sent = list(
        HolderInvitation.objects.filter(invited_by=user)
        .select_related("collection")
        .order_by("created_at", "pk")
    )
    if not (holdings or sent or made):
        return {}
    return {
        "collections_you_keep": [
            {
                "code": holding.collection.code,
                "name": holding.collection.name,
                "role": label(holding._meta.get_field("role").choices, holding.role),
                "since": holding.added_at,
                "label_valid_until": holding.collection.expires_on,
                "versions_you_made": made.get(holding.collection_id, []),
            }
            for holding in holdings
        ],
        "invitations_you_sent": [
            {
                "collection": invitation.collection.code,
                "email": invitation.email,
                "sent_at": invitation.created_at,
                "accepted_at": invitation.accepted_at,
            }
            for invitation in sent
        ],
    }


def clear_holdings(user):
    """Before an account is anonymised: its holdings and the invitations it sent, received or
    accepted go; the versions it made and the holdings it gave stay, naming no one."""
    CollectionHolder.objects.filter(user=user).delete()
    HolderInvitation.objects.filter(
        Q(invited_by=user) | Q(accepted_by=user) | Q(email__iexact=user.email)
    ).delete()
    RecordVersion.objects.filter(author=user).update(author=None)
    CollectionHolder.objects.filter(added_by=user).update(added_by=None)


def delete_old_invitations(limit):
    """The invitations sent at or before `limit` (the delivery log's period): how many went."""
    return HolderInvitation.objects.filter(created_at__lte=limit).delete()[0]


def keeps_a_labelled_collection():
    """An account that keeps a collection whose label holds is not unused (its holders keep
    the record up to date): a condition on accounts, for the retention run."""
    return Exists(
        CollectionHolder.objects.filter(
            user=OuterRef("pk"), collection__expires_on__gte=paris_today()
        )
    )
