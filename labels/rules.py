"""Who may do what with a labelled collection, and when (django-rules).

Anyone reads a collection's public page. Its holders (the lead of the application that
labelled it and the people they invited) keep its record while its label holds; staff who
manage the registry edit any record at any time and read every record's history. A lapsed
label's record stays as it was: its history is kept, and a renewal brings it back.
"""

import rules
from django.utils import timezone

from accounts.roles import manages_collections
from calls.models import CallPhase

from .models import Collection, HolderRole
from .status import label_state, paris_today


@rules.predicate
def is_holder(user, collection):
    if not user.is_authenticated:
        return False
    return collection.holdings.filter(user=user).exists()


@rules.predicate
def is_lead_holder(user, collection):
    if not user.is_authenticated:
        return False
    return collection.holdings.filter(user=user, role=HolderRole.LEAD).exists()


@rules.predicate
def label_holds(user, collection):
    return not label_state(collection, paris_today()).is_expired


@rules.predicate
def is_announced(user, collection):
    """The label was announced (its letter sent, or its publication date come): until then the
    lead does not learn the outcome from the registry (Collection.objects.public). Asked once
    per collection object: a page asks several rules of the same collection."""
    if not hasattr(collection, "is_announced"):
        public = Collection.objects.public(paris_today())
        collection.is_announced = public.filter(pk=collection.pk).exists()
    return collection.is_announced


rules.add_perm("labels.manage_registry", manages_collections)
rules.add_perm("labels.read_history", manages_collections | (is_holder & is_announced))
rules.add_perm("labels.edit_record", manages_collections | (is_holder & is_announced & label_holds))
rules.add_perm(
    "labels.invite_holder", manages_collections | (is_holder & is_announced & label_holds)
)
# The phases in which a label call may take renewal applications, now or soon.
RENEWING_PHASES = (CallPhase.OPEN, CallPhase.UPCOMING)


def takes_renewals(call, now):
    """A renewal campaign may invite to `call` at `now`: a published label call, open or
    upcoming."""
    return call.grants_labels and call.live and call.phase_at(now) in RENEWING_PHASES


@rules.predicate
def call_takes_renewals(user, call):
    # A service may judge at another moment (the demo replays the past): call.rules_moment.
    now = getattr(call, "rules_moment", None) or timezone.now()
    return call is not None and takes_renewals(call, now)


# Staff who manage the registry start a campaign of a label call still ahead or open.
rules.add_perm("labels.start_renewals", manages_collections & call_takes_renewals)
# The lead holder (or staff) takes back what they gave: an invited holder's place, while the
# label holds (a lapsed label's holders stay as they were, as its record does).
rules.add_perm("labels.remove_holder", manages_collections | (is_lead_holder & label_holds))
