"""The registry of labelled collections as open data: a CSV file with its Table Schema
(reports.opendata_registry_schema), a JSON file and the API's /api/v1/collections/, all with the
same rows, under the Licence Ouverte.

Every collection of the registry is published, expired labels included with their state: a
collection exists only because a decision labelled it, and its label's history is public. No
personal data: neither its holders nor the authors of its changes appear, only the institution
that keeps it (and its ROR identifier) and the collection's public facts.

Three queries whatever the number of collections: the collections with their institution, their
disciplines, their terms (kinds of material, languages, periods). The values are language-neutral
(codes, ISO dates, decimals with a dot) so that a file says the same in French and in English.
"""

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone, translation

from common.formats import PARIS
from labels.models import Facet
from labels.queries import public_collections
from labels.status import label_state, paris_today
from labels.vocabularies import CatalogueScheme, Region

from .opendata import LICENCE, table_csv
from .opendata_datasets import absolute
from .opendata_registry_schema import COLLECTIONS, LIST_SEPARATOR

COLUMNS = COLLECTIONS.column_names
# The columns that hold a list: an array in JSON, codes separated by LIST_SEPARATOR in CSV.
LISTS = (
    "disciplines",
    "discipline_names_fr",
    "discipline_names_en",
    "materials",
    "languages",
    "periods",
)
NUMBERS = ("size_linear_metres", "latitude", "longitude")
FACETS = {"materials": Facet.MATERIAL, "languages": Facet.LANGUAGE, "periods": Facet.PERIOD}


def region_name(code) -> str:
    """The region's French name: the files are French whatever the page's language."""
    with translation.override("fr"):
        return str(Region(code).label) if code in Region.values else code


def published_collections(today=None):
    """Every collection of the registry, by code, with what its row reads (the public
    directory's query: labels.queries)."""
    return public_collections(today).order_by("pk")


def decimal(value) -> str | None:
    return None if value is None else str(value)


def collection_record(collection, today=None) -> dict:
    """One collection as the files and the API give it: the keys of COLUMNS, in order."""
    institution = collection.institution
    disciplines = list(collection.disciplines.all())
    terms = sorted(collection.terms.all(), key=lambda term: term.code)
    links = collection.links or {}
    row = {
        "code": collection.code,
        "page_url": absolute("labels:collection", collection.pk),
        "name_fr": collection.name_fr,
        "name_en": collection.name_en,
        "summary_fr": collection.summary_fr,
        "summary_en": collection.summary_en,
        "institution": institution.name,
        "institution_ror": institution.ror or None,
        "service": collection.service,
        "disciplines": [discipline.code for discipline in disciplines],
        "discipline_names_fr": [discipline.name_fr for discipline in disciplines],
        "discipline_names_en": [d.name_en or d.name_fr for d in disciplines],
        **{
            key: [term.code for term in terms if term.facet == facet]
            for key, facet in FACETS.items()
        },
        "size_linear_metres": decimal(collection.size_linear_metres),
        "size_volumes": collection.size_volumes,
        "size_items": collection.size_items,
        "access_fr": collection.access_fr,
        "access_en": collection.access_en,
        **{f"link_{scheme}": links.get(scheme) or None for scheme in CatalogueScheme.values},
        "address": collection.address,
        "postcode": collection.postcode,
        "city": collection.city,
        "region": collection.region,
        "region_name": region_name(collection.region),
        "latitude": decimal(collection.latitude),
        "longitude": decimal(collection.longitude),
        "labelled_since": collection.labelled_since.isoformat(),
        "valid_until": collection.expires_on.isoformat(),
        "state": getattr(collection, "label_state", None) or label_state(collection, today).value,
    }
    return row


def rows(collections, today=None):
    today = today or paris_today()
    for collection in collections:
        yield collection_record(collection, today)


def flat(row) -> dict:
    """A row as a CSV cell each: a list's codes joined by LIST_SEPARATOR, a number as a
    Decimal (a negative longitude is a number, not a formula to neutralise)."""
    cells = dict(row)
    for key in LISTS:
        cells[key] = LIST_SEPARATOR.join(row[key])
    for key in NUMBERS:
        cells[key] = None if row[key] is None else Decimal(row[key])
    return cells


def as_csv(collections) -> bytes:
    return table_csv(COLUMNS, (flat(row) for row in rows(collections)))


def as_json(collections, publisher, now=None) -> bytes:
    """{"licence", "publisher", "generated_at", "count", "results"}, as the projects' file."""
    results = list(rows(collections))
    document = {
        "licence": LICENCE,
        "publisher": publisher,
        "generated_at": (now or timezone.now()).astimezone(dt.UTC).isoformat(),
        "count": len(results),
        "results": results,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def filename(fmt, today=None) -> str:
    today = today or timezone.now().astimezone(PARIS).date()
    return f"labelled-collections-{today.isoformat()}.{fmt}"


BUILDERS = {"csv": as_csv, "json": as_json}
