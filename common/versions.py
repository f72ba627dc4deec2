"""A row's version for drafts edited in several tabs or by several people (an application's
draft, a project's report): each save raises it by one, and a save based on an older version
is refused, so a second tab never overwrites the first one's work silently."""

from django.db.models import F
from django.utils import timezone


def raise_version(queryset, pk, version):
    """Raise by one the version of row `pk` of `queryset` (filtered to the states that may
    change) if it is still `version`, with its last change, in one UPDATE; returns None when
    it was raised, else the row as saved now (changed elsewhere, or no longer in `queryset`)."""
    updated = queryset.filter(pk=pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    return None if updated else queryset.model.objects.get(pk=pk)


def saved_at(row):
    """The time of `row`'s last change, as the messages about a stale save say it."""
    return timezone.localtime(row.updated_at).strftime("%H:%M:%S")
