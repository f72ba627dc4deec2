"""A collection's descriptive record as plain values: what a label application proposes
(Application.collection_record), what a version keeps (RecordVersion.record), what holders edit.

One dict shape everywhere, so that a record moves from an application to the registry and back
(a renewal's pre-filled form) without translation:

    {"name_fr": ..., "name_en": ..., "summary_fr": ..., "summary_en": ..., "institution": pk,
     "service": ..., "disciplines": [codes], "materials": [codes], "languages": [codes],
     "periods": [codes], "size_linear_metres": "12.5" | None, "size_volumes": int | None,
     "size_items": int | None, "access_fr": ..., "access_en": ..., "links": {scheme: value},
     "address": ..., "postcode": ..., "city": ..., "region": code,
     "latitude": "48.8566" | None, "longitude": "2.3522" | None}

labels.forms.RecordForm checks one (problems() below asks it); apply() writes one on a
collection; differences() says what changed between two versions.
"""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Discipline, Institution

from .models import Collection, CollectionTerm, Facet
from .vocabularies import CatalogueScheme, Language, Material, Period, Region

# The record's plain fields, stored as they are on Collection.
PLAIN = (
    "name_fr",
    "name_en",
    "summary_fr",
    "summary_en",
    "service",
    "access_fr",
    "access_en",
    "address",
    "postcode",
    "city",
    "region",
    "size_volumes",
    "size_items",
)
DECIMALS = ("size_linear_metres", "latitude", "longitude")
# Numbers a page writes in its language; sizes with thousands' separators.
SIZES = ("size_linear_metres", "size_volumes", "size_items")
NUMBERS = (*SIZES, "latitude", "longitude")
# The multi-valued facts kept as CollectionTerm rows: record key -> facet.
TERMS = {"materials": Facet.MATERIAL, "languages": Facet.LANGUAGE, "periods": Facet.PERIOD}
VOCABULARIES = {"materials": Material, "languages": Language, "periods": Period}

# What differences() and the history call each key.
LABELS = {
    "name_fr": _("name"),
    "name_en": _("name in English"),
    "summary_fr": _("description"),
    "summary_en": _("description in English"),
    "institution": _("holding institution"),
    "service": _("library or archive service"),
    "disciplines": _("disciplines"),
    "materials": _("kinds of material"),
    "languages": _("languages"),
    "periods": _("periods"),
    "size_linear_metres": _("size (linear metres)"),
    "size_volumes": _("size (volumes)"),
    "size_items": _("size (items)"),
    "access_fr": _("access conditions"),
    "access_en": _("access conditions in English"),
    "links": _("catalogues and identifiers"),
    "address": _("address"),
    "postcode": _("postcode"),
    "city": _("city"),
    "region": _("region"),
    "latitude": _("latitude"),
    "longitude": _("longitude"),
}
KEYS = tuple(LABELS)


def record_of(collection) -> dict:
    """The collection's record as it stands (disciplines and terms prefetched when many)."""
    record = {key: getattr(collection, key) for key in PLAIN}
    record["institution"] = collection.institution_id
    record["disciplines"] = sorted(d.code for d in collection.disciplines.all())
    for key, facet in TERMS.items():
        record[key] = sorted(t.code for t in collection.terms.all() if t.facet == facet)
    for key in DECIMALS:
        value = getattr(collection, key)
        record[key] = None if value is None else str(value)
    record["links"] = dict(collection.links or {})
    return record


def apply(collection, record) -> None:
    """Write `record` (checked) on `collection`, saved, with its disciplines and terms."""
    for key in PLAIN:
        setattr(collection, key, record.get(key) if record.get(key) is not None else _empty(key))
    collection.institution_id = record["institution"]
    for key in DECIMALS:
        value = record.get(key)
        setattr(collection, key, None if value in (None, "") else Decimal(str(value)))
    collection.links = {k: v for k, v in (record.get("links") or {}).items() if v}
    collection.save()
    collection.disciplines.set(Discipline.objects.filter(code__in=record.get("disciplines", [])))
    CollectionTerm.objects.filter(collection=collection).delete()
    CollectionTerm.objects.bulk_create(
        CollectionTerm(collection=collection, facet=facet, code=code)
        for key, facet in TERMS.items()
        for code in sorted(set(record.get(key) or []))
    )


def problems(record) -> dict:
    """What is missing or wrong in a proposed record, by key; empty when it can be labelled."""
    from .forms import RecordForm

    form = RecordForm(data=RecordForm.data_of(record))
    return {} if form.is_valid() else {key: list(errors) for key, errors in form.errors.items()}


def differences(before, after, names=None) -> list[tuple[str, str, str]]:
    """(what, before, after) for each key that changed between two records, as people read
    them (names of institutions, disciplines and terms rather than codes; `names` as
    names_in() gives them, to read many records in two queries)."""
    before = before or {}
    return [
        (LABELS[key], readable(key, before.get(key), names), readable(key, after.get(key), names))
        for key in KEYS
        if _comparable(before.get(key)) != _comparable(after.get(key))
    ]


def names_in(records) -> dict:
    """{"institution": {pk: name}, "disciplines": {code: name}} for what `records` name, in
    two queries, for readable() and differences() over many records (a history)."""
    institutions = {record.get("institution") for record in records} - {None}
    codes = {code for record in records for code in record.get("disciplines") or []}
    return {
        "institution": {i.pk: str(i) for i in Institution.objects.filter(pk__in=institutions)},
        "disciplines": {d.code: str(d) for d in Discipline.objects.filter(code__in=codes)},
    }


def readable(key, value, names=None) -> str:
    """One value of a record as a page shows it, in the page's language (`names`: see
    names_in(); without them, the names are read from the database)."""
    if value in (None, "", [], {}):
        return ""
    if names is not None and key in names:
        if key == "disciplines":
            return ", ".join(sorted(names[key].get(code, code) for code in value))
        return names[key].get(value, "")
    if key == "institution":
        found = Institution.objects.filter(pk=value).first()
        return str(found) if found else ""
    if key == "disciplines":
        return ", ".join(str(d) for d in Discipline.objects.filter(code__in=value))
    if key in VOCABULARIES:
        names = dict(VOCABULARIES[key].choices)
        return ", ".join(str(names.get(code, code)) for code in value)
    if key == "region":
        return str(dict(Region.choices).get(value, value))
    if key == "links":
        names = dict(CatalogueScheme.choices)
        return "; ".join(
            gettext("%(kind)s:") % {"kind": names.get(k, k)} + f" {v}"
            for k, v in sorted(value.items())
        )
    if key in NUMBERS:
        return number(key, value)
    return str(value)


def number(key, value):
    """A size or a coordinate as the page's language writes it: 15 000 / 15,000; 120,5 / 120.5
    (coordinates without thousands' separators)."""
    return formats.number_format(
        Decimal(str(value)).normalize(), use_l10n=True, force_grouping=key in SIZES
    )


def merge(base, current, proposed) -> dict:
    """The record a renewal decision keeps: the keys that the application changed relative to
    `base` (the registry's record it was pre-filled with) take the application's value, the
    others keep the registry's `current` value, so that holders' edits made since the renewal
    began survive. Without a base, the application's record as it is."""
    if base is None:
        return dict(proposed)
    return {
        key: current.get(key) if _same(key, base.get(key), proposed.get(key)) else proposed.get(key)
        for key in KEYS
    }


def _same(key, one, other) -> bool:
    if key in DECIMALS and one not in (None, "") and other not in (None, ""):
        return Decimal(str(one)).normalize() == Decimal(str(other)).normalize()
    return _comparable(one) == _comparable(other)


def _comparable(value):
    if value in (None, "", [], {}):
        return None
    if isinstance(value, list):
        return sorted(value)
    return value


def _empty(key):
    return None if key in ("size_volumes", "size_items") else ""


def new_collection(record) -> Collection:
    """An unsaved collection for `record`; label_collection() gives it its dates."""
    return Collection(institution_id=record["institution"])
