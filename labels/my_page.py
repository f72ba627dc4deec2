"""What a holder finds of their collections on pages of other apps: the "My collections"
section of the My applications page, which applications registers (applications.my_page) so
that labels imports nothing above it."""

from . import renewals
from .models import Collection
from .status import label_state, paris_today


def my_collections_section(user):
    """The "My collections" section of the My applications page (applications.my_page): the
    collections `user` holds once announced (labels.rules.is_announced), the label ending
    first, with its state; None when none."""
    if not user.is_authenticated:
        return None
    held = list(
        Collection.objects.public(paris_today())
        .filter(holdings__user=user)
        .select_related("institution")
        .order_by("expires_on", "pk")
    )
    if not held:
        return None
    call = renewals.open_label_call()
    for collection in held:
        collection.label_now = label_state(collection)
        collection.renewal = renewals.renewal_offered(user, collection, call)
    return "labels/holders/my_collections.html", {"collections": held}
