"""The registry's changes: a collection labelled or renewed by a decision, a record edited.

The decision that labels a collection calls label_collection() (decisions.services), so that a
collection exists only through a "labelled" decision; holders and staff change the record
through update_record(). Each change writes a RecordVersion in the same transaction.
"""

import datetime as dt

import rules
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.errors import Refused
from common.months import last_day_of
from common.versions import raise_version

from . import records
from .models import (
    Collection,
    CollectionHolder,
    HolderRole,
    LabelPeriod,
    PeriodKind,
    RecordVersion,
    VersionSource,
)


class LabelError(Refused):
    pass


class StaleRecord(LabelError):
    """The record changed since the form was opened: nothing was saved."""

    def __init__(self, collection):
        super().__init__(
            _(
                "Someone saved this record after you opened it: their changes are shown, and "
                "the form keeps what you typed. Check it, then save again."
            )
        )
        self.collection = collection


def label_dates(decided_on, months, previous_expiry=None):
    """The first and last day of a label granted on `decided_on` for `months`: a renewal
    decided before the current label ends follows it without a gap or an overlap, so that
    renewing early loses no time; one decided after a lapse starts on its decision."""
    starts_on = decided_on
    if previous_expiry is not None and previous_expiry >= decided_on:
        starts_on = previous_expiry + dt.timedelta(days=1)
    return starts_on, last_day_of(starts_on, months)


def label_collection(
    *,
    record,
    lead,
    reference,
    decided_on,
    months,
    call_title_fr,
    call_title_en="",
    collection=None,
    base_record=None,
    actor=None,
):
    """A "labelled" decision: the collection of `record` is created (or, given `collection`,
    renewed), with the label's period, its lead holder and a version. A renewal keeps what
    the application changed relative to `base_record` (the record it was pre-filled with) and
    the registry's current value elsewhere (records.merge), and raises the collection's
    version, so that a holder's form opened before is refused as stale. The same application
    labels once: called again, it returns the collection it labelled. Returns the Collection."""
    if not months:
        raise LabelError(_("The call gives no duration for its label."))
    _require_complete(record)
    with transaction.atomic():
        done = LabelPeriod.objects.filter(reference=reference).select_related("collection").first()
        if done is not None:
            return done.collection
        if collection is None:
            kind, previous = PeriodKind.FIRST, None
            collection = records.new_collection(record)
        else:
            collection = Collection.objects.select_for_update().get(pk=collection.pk)
            kind, previous = PeriodKind.RENEWAL, collection.expires_on
            record = records.merge(base_record, records.record_of(collection), record)
            _require_complete(record)
            collection.version += 1
        starts_on, expires_on = label_dates(decided_on, months, previous)
        if collection.pk is None:
            collection.labelled_since = starts_on
        collection.expires_on = expires_on
        records.apply(collection, record)
        LabelPeriod.objects.create(
            collection=collection,
            kind=kind,
            starts_on=starts_on,
            expires_on=expires_on,
            reference=reference,
            decided_on=decided_on,
            call_title_fr=call_title_fr,
            call_title_en=call_title_en,
        )
        CollectionHolder.objects.get_or_create(
            collection=collection,
            user=lead,
            defaults={"role": HolderRole.LEAD, "added_by": actor},
        )
        _keep_version(collection, record, VersionSource.DECISION, actor)
    return collection


def _require_complete(record):
    problems = records.problems(record)
    if problems:
        raise LabelError(
            _("The application's description of the collection is incomplete: %(fields)s.")
            % {"fields": ", ".join(str(records.LABELS.get(key, key)) for key in problems)}
        )


def update_record(collection, user, record, version):
    """A holder's or staff's edit of the record (checked by labels.forms.RecordForm), based on
    the record at `version`: refused when the rule does not allow it, or when someone saved
    in between (StaleRecord; nothing is overwritten)."""
    if not rules.has_perm("labels.edit_record", user, collection):
        raise LabelError(_("You cannot change this collection's record."))
    with transaction.atomic():
        stale = raise_version(Collection.objects.all(), collection.pk, version)
        if stale is not None:
            raise StaleRecord(stale)
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        records.apply(collection, record)
        source = VersionSource.HOLDER
        if not collection.holdings.filter(user=user).exists():
            source = VersionSource.STAFF
        _keep_version(collection, record, source, user)
    return collection


def _keep_version(collection, record, source, author):
    last = collection.versions.order_by("-number").values_list("number", flat=True).first()
    RecordVersion.objects.create(
        collection=collection,
        number=(last or 0) + 1,
        record=record,
        source=source,
        author=author,
    )


def announce_label(reference, day):
    """The label that the application `reference` was granted is public from `day` (a Paris
    date; None: not until announced again), as its decision says (decisions.letters on the
    labelled letter, decisions.services.set_publication_date). Returns the LabelPeriod, or None
    when that application labelled nothing."""
    with transaction.atomic():
        period = LabelPeriod.objects.select_for_update().filter(reference=reference).first()
        if period is not None and period.announced_on != day:
            period.announced_on = day
            period.save(update_fields=["announced_on"])
    return period
