"""The holder's side of a label renewal: invited by a campaign (labels.renewals), a holder of
the collection starts a draft application to the campaign's call, its record pre-filled with
the collection's as it stands. A second start finds the same draft."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from common.permissions import require
from labels import records
from labels.models import RenewalInvitation

from .models import Application, ApplicationState
from .rules import holds_invited_collection, judged_at
from .services import AlreadyApplied, ApplicationError, start_application


def invitation_or_404(user, slug, collection_pk):
    """The invitation of the collection to the call, for one of its holders; 404 for anyone
    else, so that nobody learns which collections were invited."""
    invitation = get_object_or_404(
        RenewalInvitation.objects.select_related("call", "collection"),
        call__slug=slug,
        collection_id=collection_pk,
    )
    if not holds_invited_collection(user, invitation):
        raise Http404
    return invitation


def invitation_progress(invitations):
    """Annotate renewal invitations with how far their collection's application to the
    invited call went (not withdrawn): `started` and `applied` (submitted). Registered with
    labels.renewals.add_application_progress, for the campaign's page."""
    kept = Application.objects.filter(
        call=OuterRef("call_id"), collection=OuterRef("collection_id")
    ).exclude(state=ApplicationState.WITHDRAWN)
    return invitations.annotate(
        started=Exists(kept), applied=Exists(kept.filter(submitted_at__isnull=False))
    )


def renewal_draft(invitation):
    """The renewal application already started for the invitation's collection, if any."""
    return (
        Application.objects.filter(call=invitation.call, collection=invitation.collection)
        .exclude(state=ApplicationState.WITHDRAWN)
        .select_related("lead")
        .first()
    )


def start_renewal(user, invitation, now=None):
    """The draft that renews the invitation's label, started for `user` (a holder, while the
    call is open: applications.renew_label) or found again. Returns the Application."""
    now = now or timezone.now()
    require(
        user,
        "applications.renew_label",
        judged_at(invitation, now),
        ApplicationError,
        _("The renewal call is not open: you cannot apply to it now."),
    )
    collection = invitation.collection
    with transaction.atomic():
        found = renewal_draft(invitation)
        if found is not None:
            if found.lead_id != user.pk:
                raise ApplicationError(
                    _("%(name)s already started the renewal application of this collection.")
                    % {"name": found.lead.get_full_name() or found.lead.email}
                )
            return found
        try:
            application = start_application(user, invitation.call, now=now)
        except AlreadyApplied as error:
            raise ApplicationError(
                _(
                    "You already have an application to this call, for another collection: "
                    "this call takes one application per person."
                )
            ) from error
        application.collection = collection
        application.collection_record = records.record_of(collection)
        application.collection_base_version = (
            collection.versions.order_by("-number").values_list("number", flat=True).first()
        )
        application.title = collection.name_fr
        application.save(
            update_fields=["collection", "collection_record", "collection_base_version", "title"]
        )
    return application
