"""The holder's side of a label renewal: invited by a campaign (labels.renewals), or from their
collection's page whenever a label call is open, a holder of the collection starts a draft
application to the call, its record pre-filled with the collection's as it stands. A second
start finds the same draft."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call, CallKind
from common.permissions import require
from labels import records
from labels.models import Collection
from labels.renewals import Renewal

from .models import Application, ApplicationState
from .rules import holds_renewed_collection, judged_at
from .services import AlreadyApplied, ApplicationError, start_application


def renewal_or_404(user, slug, collection_pk):
    """The renewal of the collection through the published label call, for one of its
    holders (invited or not); 404 for anyone else, so that nobody learns who holds what."""
    call = get_object_or_404(Call.objects.published().filter(kind=CallKind.LABEL), slug=slug)
    renewal = Renewal(get_object_or_404(Collection, pk=collection_pk), call)
    if not holds_renewed_collection(user, renewal):
        raise Http404
    return renewal


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


def renewal_draft(renewal):
    """The renewal application already started for the collection through the call, if any."""
    return (
        Application.objects.filter(call=renewal.call, collection=renewal.collection)
        .exclude(state=ApplicationState.WITHDRAWN)
        .select_related("lead")
        .first()
    )


def start_renewal(user, renewal, now=None):
    """The draft that renews the collection's label through the call (`renewal`, a
    labels.renewals.Renewal or a RenewalInvitation), started for `user` (a holder, while the
    call is open: applications.renew_label) or found again. Returns the Application."""
    now = now or timezone.now()
    require(
        user,
        "applications.renew_label",
        judged_at(renewal, now),
        ApplicationError,
        _("The renewal call is not open: you cannot apply to it now."),
    )
    collection = renewal.collection
    with transaction.atomic():
        found = renewal_draft(renewal)
        if found is not None:
            if found.lead_id != user.pk:
                raise ApplicationError(
                    _("%(name)s already started the renewal application of this collection.")
                    % {"name": found.lead.get_full_name() or found.lead.email}
                )
            return found
        try:
            application = start_application(user, renewal.call, now=now)
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
