"""Who may do what with a labelled collection, and when (django-rules).

Anyone reads a collection's public page. Its holders (the lead of the application that
labelled it and the people they invited) keep its record while its label holds; staff who
manage the registry edit any record at any time and read every record's history. A lapsed
label's record stays as it was: its history is kept, and a renewal brings it back.
"""

import rules
from django.utils import timezone

from accounts.roles import manages_collections
from common.formats import PARIS

from .models import HolderRole


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
    return collection.expires_on >= timezone.now().astimezone(PARIS).date()


rules.add_perm("labels.manage_registry", manages_collections)
rules.add_perm("labels.read_history", manages_collections | is_holder)
rules.add_perm("labels.edit_record", manages_collections | (is_holder & label_holds))
rules.add_perm("labels.invite_holder", manages_collections | (is_holder & label_holds))
rules.add_perm("labels.start_renewals", manages_collections)
# The lead holder (or staff) takes back what they gave: an invited holder's place.
rules.add_perm("labels.remove_holder", manages_collections | is_lead_holder)
