"""The registry as the public reads it: the directory's collections, the map's points and one
collection's page, each in a fixed number of queries however many collections there are.

A labelled collection is public once one of its periods is announced (Collection.objects.public:
its letter sent, or its publication date come), an expired label included: it stays in the
directory with its history, shown as expired. Nothing here reads the holders: they are
personal data and never public.

The open data of the registry reuses these functions; their names and what they return stay.
"""

from django.db.models import Prefetch

from .models import Collection, LabelPeriod
from .status import paris_today, with_label_state


def public_collections(today=None):
    """Every public collection (Collection.objects.public), annotated with its `label_state`
    (labels.status.LabelState's value), with its institution joined and its disciplines and
    terms prefetched: a list of any length is read in three queries."""
    today = today or paris_today()
    return with_label_state(
        Collection.objects.public(today)
        .select_related("institution")
        .prefetch_related("disciplines", "terms"),
        today,
    )


def map_points(collections):
    """What the map draws of `collections` (a filtered queryset), as plain dicts in one query:
    pk, names, city, region, coordinates and `label_state`. Collections without coordinates
    are kept (the list beside the map names them); the map leaves them out."""
    return list(
        collections.prefetch_related(None)
        .values(
            "pk",
            "name_fr",
            "name_en",
            "city",
            "region",
            "latitude",
            "longitude",
            "label_state",
            "expires_on",
        )
        .order_by("name_fr", "pk")
    )


def public_collection(pk, today=None):
    """One collection as its public page shows it, with its announced label periods; None if
    unknown or not public yet."""
    today = today or paris_today()
    announced = LabelPeriod.objects.filter(announced_on__lte=today).order_by("starts_on")
    return (
        public_collections(today)
        .prefetch_related(Prefetch("periods", queryset=announced))
        .filter(pk=pk)
        .first()
    )
