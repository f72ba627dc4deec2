"""A label that was not renewed lapses at its expiry: the day after its last day (Paris), the
daily task (labels.tasks.record_lapses) records it once and tells the collection's holders. The
lapse itself is derived from the dates (labels.status): the collection then shows "label
expired", and its periods and versions stay as they were. A lapse found late (the task did not
run, or the registry was imported with old expiries) is recorded without telling anyone: news
of a label that ended years ago would only confuse its holders."""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef

from . import messages
from .models import Collection, LapseNotice
from .status import paris_today

# A lapse is announced to the holders only if the label expired this many days ago or fewer.
ANNOUNCED_WITHIN_DAYS = 7


def lapsed_unrecorded(today):
    """Collections whose label ended before `today` and whose lapse at that expiry was not
    recorded yet."""
    recorded = LapseNotice.objects.filter(
        collection=OuterRef("pk"), expired_on=OuterRef("expires_on")
    )
    return (
        Collection.objects.expired_on(today).exclude(Exists(recorded)).order_by("expires_on", "pk")
    )


def record_lapses(today=None):
    """Record each lapse not recorded yet and tell its holders if it is recent (within
    ANNOUNCED_WITHIN_DAYS); running twice tells nobody twice (one LapseNotice per collection
    and expiry). Returns the notices made."""
    today = today or paris_today()
    announced_from = today - dt.timedelta(days=ANNOUNCED_WITHIN_DAYS)
    notices = []
    for collection in lapsed_unrecorded(today):
        with transaction.atomic():
            locked = Collection.objects.select_for_update().get(pk=collection.pk)
            if locked.expires_on >= today:
                continue  # renewed in between
            notice, made = LapseNotice.objects.get_or_create(
                collection=locked, expired_on=locked.expires_on
            )
            if made:
                if notice.expired_on >= announced_from:
                    messages.label_lapsed(notice)
                notices.append(notice)
    return notices
