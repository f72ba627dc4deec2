"""What the holders' and staff's page of a collection shows of its past: every version of its
record, newest first, with who made it, from where and what it changed, and its label periods.
A fixed number of queries whatever the number of versions (the names of institutions and
disciplines that versions name are read once, labels.records.names_in)."""

from .models import LabelPeriod, RecordVersion
from .records import LABELS, differences, names_in, readable, record_of


def versions_of(collection, current=None):
    """The collection's versions, newest first, each with `.changes` [(what, before, after)]
    against the version before it (the first one has none: it is the decision's record), and
    the names read for them (to show the record as it stands with the same reading)."""
    versions = list(
        RecordVersion.objects.filter(collection=collection)
        .select_related("author")
        .order_by("-number")
    )
    names = names_in([version.record for version in versions] + ([current] if current else []))
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        newer.changes = differences(older.record, newer.record, names) if older else []
        newer.is_first = older is None
    return versions, names


def record_rows(record, names):
    """The record as it stands, as (what, value) rows in the record's order."""
    return [(LABELS[key], readable(key, record.get(key), names)) for key in LABELS]


def periods_of(collection):
    return list(LabelPeriod.objects.filter(collection=collection).order_by("-starts_on"))


def history(collection, since=None):
    """{"record": plain record, "rows": [(what, value)], "versions": [...], "periods": [...],
    "changes_since": [(what, before, after)]}: the last, what was saved after version `since`
    (the one a stale edit was based on), empty without it."""
    record = record_of(collection)
    versions, names = versions_of(collection, record)
    older = next((version for version in versions if version.number == since), None)
    return {
        "record": record,
        "rows": record_rows(record, names),
        "versions": versions,
        "periods": periods_of(collection),
        "changes_since": differences(older.record, record, names) if older else [],
    }
