"""The open data files besides the funded projects' (their deliverables, the calls, the registry
of labelled collections), the Table Schema beside each CSV file and the DCAT catalogue that
describes them all: public, under the Licence Ouverte, limited in rate as the other files are."""

import json

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from applications.receipts import network_name

from . import dcat, opendata, opendata_registry
from .opendata_datasets import BY_KEY, call_rows, deliverable_rows, schema_document
from .throttle import limited
from .views_opendata import too_many_for_a_file, with_licence


def attachment(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return with_licence(response)


@require_safe
@limited(too_many_for_a_file)
def deliverables_file(request):
    table = BY_KEY["deliverables"].table
    content = opendata.table_csv(table.column_names, deliverable_rows())
    return attachment(content, opendata.CONTENT_TYPES["csv"], "deliverables.csv")


@require_safe
@limited(too_many_for_a_file)
def calls_file(request):
    table = BY_KEY["calls"].table
    content = opendata.table_csv(table.column_names, call_rows(request))
    return attachment(content, opendata.CONTENT_TYPES["csv"], "calls.csv")


@require_safe
@limited(too_many_for_a_file)
def collections_file(request, fmt):
    """Every collection of the registry, expired labels included, as CSV or JSON."""
    collections = opendata_registry.published_collections()
    if fmt == "json":
        content = opendata_registry.as_json(collections, publisher=network_name())
    else:
        content = opendata_registry.as_csv(collections)
    return attachment(content, opendata.CONTENT_TYPES[fmt], opendata_registry.filename(fmt))


@require_safe
def schema(request, key):
    """The Table Schema of a file (schema.json, as schema.data.gouv.fr publishes them)."""
    document = schema_document(BY_KEY[key], publisher=network_name())
    content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(content, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return with_licence(response)


@require_safe
@limited(too_many_for_a_file)
def catalogue(request, fmt):
    """The DCAT catalogue, in JSON-LD or RDF/XML, for data.gouv.fr's harvester."""
    graph = dcat.catalogue(network_name())
    response = HttpResponse(dcat.serialise(graph, fmt), content_type=dcat.FORMATS[fmt][1])
    response["Access-Control-Allow-Origin"] = "*"
    return with_licence(response)
