"""The demo's registry of labelled collections: about twenty collections across the regions, one
overseas at least, two due for renewal (invited by a campaign of the open label call), one
expired, each labelled by a "labelled" decision on
an application of a past label call; porteuse leads two of them. A second run adds nothing.

One test, two loads of the demo."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from applications.models import Application
from decisions.models import Outcome
from demo.labels import LABELS, RENEWAL_CALL
from labels.models import (
    Collection,
    HolderRole,
    LabelPeriod,
    RenewalCampaign,
    RenewalInvitation,
)
from labels.status import LabelState, label_state, paris_today
from labels.vocabularies import OVERSEAS

pytestmark = pytest.mark.django_db


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_registry_comes_from_labelled_decisions_across_the_regions():
    output = load_demo()
    collections = list(Collection.objects.prefetch_related("periods", "holdings__user"))

    assert 18 <= len(collections) <= 22
    assert len(collections) == len(LABELS["collections"])
    # Their decisions are announced (a publication date on the meeting's day): all public.
    assert Collection.objects.public(paris_today()).count() == len(collections)
    states = [label_state(collection) for collection in collections]
    assert states.count(LabelState.ENDING_SOON) == 2
    assert states.count(LabelState.EXPIRED) == 1
    regions = {collection.region for collection in collections}
    assert regions & OVERSEAS
    assert len(regions) >= 8
    assert all(c.latitude is not None and c.longitude is not None for c in collections)
    for collection in collections:
        (period,) = collection.periods.all()
        application = Application.objects.select_related("call", "decision").get(
            collection=collection
        )
        assert period.reference == application.reference
        assert application.call.grants_labels
        assert application.call.phase != "open"
        assert application.decision.outcome == Outcome.LABELLED
        assert period.decided_on == application.decision.meeting_date
        assert period.expires_on == collection.expires_on
    porteuse = User.objects.get(email="porteuse@example.org")
    led = Collection.objects.filter(holdings__user=porteuse, holdings__role=HolderRole.LEAD).count()
    assert led == 2
    assert "Registry: 20 labelled collections" in output
    [campaign] = RenewalCampaign.objects.select_related("call")
    assert campaign.call.slug == RENEWAL_CALL and campaign.call.phase == "open"
    invited = {invitation.collection for invitation in campaign.invitations.all()}
    assert invited == {
        collection
        for collection, state in zip(collections, states, strict=True)
        if state == LabelState.ENDING_SOON
    }
    assert porteuse.has_perm(
        "applications.renew_label", campaign.invitations.get(collection__holdings__user=porteuse)
    )

    load_demo()

    assert Collection.objects.count() == len(collections)
    assert LabelPeriod.objects.count() == len(collections)
    assert RenewalInvitation.objects.count() == 2
