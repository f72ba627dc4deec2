"""Renewal campaigns: before labels expire, staff invite their holders to apply to a label call
with their current record pre-filled (the application's side: applications.renewals).

A campaign invites each collection whose label expires by a date, once per call; what became
of each invitation (a draft started, an application submitted, the label renewed, or lapsed) is
derived from the applications and label periods, never typed.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import Call, CallKind, CallPhase, phase_condition
from common.errors import Refused
from common.formats import PARIS
from common.permissions import require

from . import messages
from .models import Collection, LabelPeriod, PeriodKind, RenewalCampaign, RenewalInvitation
from .rules import takes_renewals
from .status import paris_today


class RenewalError(Refused):
    pass


class RenewalState(models.TextChoices):
    INVITED = "invited", _("Invited")
    STARTED = "started", _("Renewal draft started")
    APPLIED = "applied", _("Applied")
    RENEWED = "renewed", _("Renewed")
    LAPSED = "lapsed", _("Label expired")


@dataclass
class Renewal:
    """A collection's renewal through a label call, invited by a campaign or not: what
    applications.renew_label judges (a RenewalInvitation, with its collection and call, too)."""

    collection: Collection
    call: Call


def open_label_call(now=None):
    """The label call open now through which holders may renew (the one closing first), or
    None."""
    now = now or timezone.now()
    return (
        Call.objects.published()
        .filter(phase_condition(CallPhase.OPEN, now), kind=CallKind.LABEL)
        .order_by("closes_at", "pk")
        .first()
    )


def renewal_offered(user, collection, call):
    """The renewal of `collection` through `call` if `user` may start it now
    (applications.renew_label), else None: the holder's "Apply to renew" link."""
    if call is None:
        return None
    renewal = Renewal(collection, call)
    return renewal if user.has_perm("applications.renew_label", renewal) else None


def renewal_calls(now=None):
    """The calls a campaign may invite to (labels.rules.takes_renewals), as a queryset."""
    now = now or timezone.now()
    label_calls = Call.objects.published().filter(kind=CallKind.LABEL)
    chosen = [call.pk for call in label_calls if takes_renewals(call, now)]
    return Call.objects.filter(pk__in=chosen).order_by("opens_at", "pk")


def to_invite(call, expiring_by, today=None):
    """The collections a campaign of `call` would invite: their label still holds `today` and
    expires by `expiring_by`, and `call` has not invited them yet; the soonest expiry first.
    (A lapsed label's holders may still renew it: applications.renewals.renew_from_holding.)"""
    today = today or paris_today()
    return (
        Collection.objects.filter(expires_on__gte=today, expires_on__lte=expiring_by)
        .exclude(renewal_invitations__call=call)
        .select_related("institution")
        .order_by("expires_on", "name_fr", "pk")
    )


def start_campaign(call, expiring_by, actor, now=None):
    """Invite the holders of every label that expires by `expiring_by` to renew it through
    `call` (a published label call, open or upcoming), each collection once per call. Returns
    the invitations made (none: no campaign is recorded)."""
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)  # one campaign at a time
        call.rules_moment = now
        require(
            actor,
            "labels.start_renewals",
            call,
            RenewalError,
            _(
                "You cannot start a renewal campaign of this call: choose a CollEx label "
                "call, open or upcoming."
            ),
        )
        collections = list(to_invite(call, expiring_by, today=now.astimezone(PARIS).date()))
        if not collections:
            return []
        campaign = RenewalCampaign.objects.create(
            call=call, expiring_by=expiring_by, started_by=actor
        )
        invitations = RenewalInvitation.objects.bulk_create(
            RenewalInvitation(campaign=campaign, collection=collection, call=call)
            for collection in collections
        )
        for invitation in invitations:
            messages.renewal_invited(invitation)
    return invitations


def campaigns():
    """The campaigns, the latest first, with their call and how many they invited."""
    return RenewalCampaign.objects.select_related("call", "started_by").annotate(
        invited=models.Count("invitations")
    )


# What became of an invitation on the applications' side is the applications app's to say:
# labels sits below it and never reads its tables. applications registers, from its
# AppConfig.ready(), a function that annotates a RenewalInvitation queryset with two booleans,
# `applied` (an application of the collection to the invitation's call was submitted and not
# withdrawn) and `started` (one exists, not withdrawn).
APPLICATION_PROGRESS = []


def add_application_progress(annotate):
    """Register `annotate(invitations) -> invitations` (adding `applied` and `started`), once."""
    if annotate not in APPLICATION_PROGRESS:
        APPLICATION_PROGRESS.append(annotate)


def invitations_of(campaign, today=None):
    """The campaign's invitations with their collection and what became of each
    (`renewal_state`, a RenewalState)."""
    today = today or paris_today()
    found = (
        campaign.invitations.select_related("collection__institution", "call")
        .annotate(
            renewed=Exists(
                LabelPeriod.objects.filter(
                    collection=OuterRef("collection_id"),
                    kind=PeriodKind.RENEWAL,
                    created_at__gte=OuterRef("invited_at"),
                )
            ),
        )
        .order_by("collection__expires_on", "collection__name_fr", "pk")
    )
    for annotate in APPLICATION_PROGRESS:
        found = annotate(found)
    invitations = list(found)
    for invitation in invitations:
        invitation.renewal_state = state_of(invitation, today)
    return invitations


def state_of(invitation, today):
    """From the furthest the renewal went: renewed, applied, draft started; else lapsed if
    the label ended, else invited."""
    if invitation.renewed:
        return RenewalState.RENEWED
    if getattr(invitation, "applied", False):
        return RenewalState.APPLIED
    if getattr(invitation, "started", False):
        return RenewalState.STARTED
    if invitation.collection.expires_on < today:
        return RenewalState.LAPSED
    return RenewalState.INVITED
