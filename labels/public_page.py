"""A labelled collection's public page: what it shows, read in a fixed number of queries.

Its address is its number (labels:collection), never its name. It shows the record, the label's
state and history, and what other apps register as related (labels.public); never the holders,
who are personal data.
"""

from urllib.parse import quote

from django.utils import formats

from common.identifiers import link

from .models import Facet
from .queries import public_collection
from .status import LabelState, label_state
from .vocabularies import CatalogueScheme, Language, Material, Period, Region

# The address of an identifier's record; the other kinds of link are addresses already.
RESOLVERS = {
    CatalogueScheme.SUDOC: "https://www.sudoc.fr/",
    CatalogueScheme.IDREF: "https://www.idref.fr/",
    CatalogueScheme.BNF: "https://catalogue.bnf.fr/",
}
VOCABULARIES = {Facet.MATERIAL: Material, Facet.LANGUAGE: Language, Facet.PERIOD: Period}


def number(value):
    """A size as the page's language writes it: 15 000 / 15,000; 120,5 / 120.5."""
    if value is None:
        return ""
    return formats.number_format(
        value.normalize() if hasattr(value, "normalize") else value,
        use_l10n=True,
        force_grouping=True,
    )


def catalogue_links(links):
    """[(kind of link, shown value, address)] in the order of CatalogueScheme."""
    found = []
    for scheme in CatalogueScheme:
        value = (links or {}).get(scheme.value)
        if not value:
            continue
        resolver = RESOLVERS.get(scheme)
        address = resolver + quote(value, safe="/:") if resolver else value
        found.append((scheme.label, value, address))
    return found


def terms(collection, facet):
    names = dict(VOCABULARIES[facet].choices)
    order = {code: position for position, code in enumerate(names)}
    codes = [term.code for term in collection.terms.all() if term.facet == facet]
    return [str(names.get(code, code)) for code in sorted(codes, key=lambda c: order.get(c, 99))]


def listed(collections):
    """The directory's page of collections, each with its `state` and `materials` named."""
    collections = list(collections)
    for collection in collections:
        collection.label_now = LabelState(collection.label_state)
        collection.materials = terms(collection, Facet.MATERIAL)
    return collections


def collection_page(pk):
    """The page's context for collection `pk`; None when there is no such collection."""
    collection = public_collection(pk)
    if collection is None:
        return None
    return {
        "collection": collection,
        "state": label_state(collection),
        "disciplines": sorted(str(d) for d in collection.disciplines.all()),
        "materials": terms(collection, Facet.MATERIAL),
        "languages": terms(collection, Facet.LANGUAGE),
        "periods": terms(collection, Facet.PERIOD),
        "sizes": {
            "linear_metres": number(collection.size_linear_metres),
            "volumes": number(collection.size_volumes),
            "items": number(collection.size_items),
        },
        "links": catalogue_links(collection.links),
        "region": Region(collection.region).label if collection.region in Region.values else "",
        "ror_url": link("ror", collection.institution.ror),
        "periods_of_label": list(collection.periods.all()),
    }
