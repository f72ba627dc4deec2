"""A collection's holders: the lead of the application that labelled it, and the people a
holder invites by e-mail to keep its record with them.

The invitation works as the team invitations of applications do (applications.team): its link
carries a token stored nowhere but in the e-mail (the invitation keeps its SHA-256 hash, the
message keeps the link only until it has left, notifications.sealing). The account signed in
with the invited address accepts it, once: the token proves that someone read the mailbox, the
account proves who clicks, so a forwarded link gives another account nothing.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.facts import person_facts
from common.errors import Refused
from common.permissions import require
from common.tokens import new_token, token_hash

from .messages import collection_facts
from .models import Collection, CollectionHolder, HolderInvitation, HolderRole
from .status import label_state

VALID_FOR = dt.timedelta(days=30)


class HolderError(Refused):
    """A refused invitation, acceptance or removal, with a message for the person."""


def expires_at(invitation):
    return invitation.created_at + VALID_FOR


def holdings_of(collection):
    """The collection's holders, the lead first, with their accounts."""
    return (
        CollectionHolder.objects.filter(collection=collection)
        .select_related("user")
        .order_by("role", "added_at", "pk")
    )


def open_invitations(collection, now=None):
    """The invitations not accepted yet and still valid, the latest first."""
    now = now or timezone.now()
    return HolderInvitation.objects.filter(
        collection=collection, accepted_at__isnull=True, created_at__gt=now - VALID_FOR
    ).order_by("-created_at")


# A holder invites


def invite_holder(collection, inviter, email, now=None):
    """Send (or send again, with a new link that replaces the previous one) an invitation to
    keep `collection`'s record to `email`. Returns the invitation."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    with transaction.atomic():
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        require(
            inviter,
            "labels.invite_holder",
            collection,
            HolderError,
            _("Only the holders of a collection whose label holds can invite someone."),
        )
        if "@" not in email or len(email) > 254:
            raise HolderError(_("Give the e-mail address of the person to invite."))
        if collection.holdings.filter(user__email__iexact=email).exists():
            raise HolderError(
                _("%(email)s already keeps this collection's record.") % {"email": email}
            )
        token = new_token()
        invitation = (
            HolderInvitation.objects.select_for_update()
            .filter(collection=collection, email=email, accepted_at__isnull=True)
            .first()
        ) or HolderInvitation(collection=collection, email=email)
        invitation.token_hash = token_hash(token)
        invitation.invited_by = inviter
        invitation.save()
        # Its validity counts from this link (created_at is set only on the first save).
        HolderInvitation.objects.filter(pk=invitation.pk).update(created_at=now)
        invitation.created_at = now
        send_invitation(invitation, token)
    return invitation


def send_invitation(invitation, token):
    from notifications.events import Event
    from notifications.services import notify

    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    notify(
        Event.COLLECTION_HOLDER_INVITED,
        [invitation.email],
        {
            "collection": collection_facts(invitation.collection),
            "inviter": person_facts(invitation.invited_by),
        },
        url=reverse("labels_holders:invitation", args=[token]),
        # The invitee's own language if they have an account, else the inviter's page.
        language=getattr(account, "language", None) or translation.get_language(),
    )


# The invitee accepts


def invitation_for(token):
    """The invitation whose link carries `token`, with its collection; None if none does."""
    if not token:
        return None
    return (
        HolderInvitation.objects.select_related("collection", "invited_by", "accepted_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


NOT_FOUND = gettext_lazy(
    "This invitation link is not valid: it may have been replaced by a newer invitation, or "
    "copied incompletely. Ask a holder of the collection to send it again."
)


def invitation_problem(invitation, user, now=None):
    """Why `user` cannot accept `invitation`, or None. A visitor not signed in yet is told only
    whether the link still works."""
    now = now or timezone.now()
    if invitation is None:
        return str(NOT_FOUND)
    if invitation.accepted_at:
        return _("This invitation has already been used: it works once.")
    if expires_at(invitation) < now:
        return _(
            "This invitation has expired: it was valid for 30 days. Ask a holder of the "
            "collection to send it again."
        )
    if label_state(invitation.collection).is_expired:
        return _(
            "This collection's label has lapsed: its record can no longer be kept by new "
            "holders. A renewal of the label brings it back."
        )
    if not getattr(user, "is_authenticated", False):
        return None
    if invitation.collection.holdings.filter(user=user).exists():
        return _("You already keep this collection's record.")
    if user.email.lower() != invitation.email:
        return _(
            "This invitation was sent to %(email)s, and you are signed in as %(current)s. Sign "
            "out, then sign in (or create your account) with %(email)s to accept it."
        ) % {"email": invitation.email, "current": user.email}
    return None


def accept_invitation(token, user, now=None):
    """The account signed in with the invited address becomes an invited holder, once.
    Returns its CollectionHolder."""
    now = now or timezone.now()
    with transaction.atomic():
        found = invitation_for(token)
        if found is None:
            raise HolderError(str(NOT_FOUND))
        invitation = (
            HolderInvitation.objects.select_for_update(of=("self",))
            .select_related("collection", "invited_by")
            .get(pk=found.pk)
        )
        problem = invitation_problem(invitation, user, now)
        if problem:
            raise HolderError(problem)
        try:
            with transaction.atomic():
                holding = CollectionHolder.objects.create(
                    collection=invitation.collection,
                    user=user,
                    role=HolderRole.INVITED,
                    added_by=invitation.invited_by,
                )
        except IntegrityError:
            raise HolderError(_("You already keep this collection's record.")) from None
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return holding


# The lead holder takes a place back


def remove_holder(collection, actor, holding_pk):
    """An invited holder no longer keeps the record (the lead holder's place is the label
    decision's: it is never removed here). Returns the removed holding."""
    with transaction.atomic():
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        require(
            actor,
            "labels.remove_holder",
            collection,
            HolderError,
            _("Only the lead holder can remove a holder."),
        )
        holding = (
            CollectionHolder.objects.select_related("user")
            .filter(collection=collection, pk=holding_pk)
            .first()
        )
        if holding is None:
            raise HolderError(_("This person no longer keeps the collection's record."))
        if holding.role == HolderRole.LEAD:
            raise HolderError(_("The lead holder's place comes from the label decision."))
        holding.delete()
    return holding
