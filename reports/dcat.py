"""The DCAT catalogue of the open data, for data.gouv.fr's harvester (DCAT-AP, in JSON-LD or
RDF/XML): a dcat:Catalog naming each published file as a dcat:Dataset, in French and English,
under the Licence Ouverte 2.0, each with its distributions (download address, media type, the
Table Schema it conforms to). Languages and file types are the EU authority tables' URIs, as
DCAT-AP asks; the media types IANA's.

Built as an RDF graph with rdflib, which writes both forms with their escaping and namespaces
right. Every address is absolute and in the site's default language, so that the catalogue is
the same whoever asks and its identifiers never change.
"""

from django.utils import timezone
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from common.formats import PARIS

from .opendata_datasets import DATASETS, absolute

MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
# The EU's authority tables (named vocabularies), as DCAT-AP asks for languages and file types.
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
LANGUAGES = {"fr": "FRA", "en": "ENG"}
# A file's format: its media type and its code in the EU's file-type table.
FILE_FORMATS = {"csv": ("text/csv", "CSV"), "json": ("application/json", "JSON")}
# The Licence Ouverte 2.0 as data.gouv.fr's harvester recognises it.
LICENCE_URI = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
# The catalogue's forms: rdflib's name for each and its media type.
FORMATS = {"jsonld": ("json-ld", "application/ld+json"), "rdf": ("xml", "application/rdf+xml")}

TITLE = {
    "fr": "Données ouvertes du guichet unique",
    "en": "Open data of the single window",
}
DESCRIPTION = {
    "fr": "Les projets financés par le réseau, leurs livrables publics, ses appels et le "
    "registre des collections qu'il a labellisées, en CSV avec leur schéma (Table Schema), "
    "sous Licence Ouverte 2.0.",
    "en": "The projects the network funded, their public deliverables, its calls and the "
    "registry of the collections it labelled, as CSV files with their Table Schema, under the "
    "Licence Ouverte 2.0.",
}


def catalogue_url():
    return absolute("opendata:catalogue_jsonld")


def text(graph, subject, predicate, values):
    for language, value in values.items():
        graph.add((subject, predicate, Literal(value, lang=language)))


def distribution(graph, dataset_uri, address, file_format, conforms_to=None):
    media_type, file_type = FILE_FORMATS[file_format]
    node = URIRef(address)
    graph.add((dataset_uri, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(file_type)))
    graph.add((node, DCAT.downloadURL, node))
    graph.add((node, DCAT.accessURL, node))
    graph.add((node, DCAT.mediaType, URIRef(MEDIA_TYPES + media_type)))
    graph.add((node, DCTERMS.format, URIRef(f"{EU_AUTHORITY}file-type/{file_type}")))
    graph.add((node, DCTERMS.license, LICENCE_URI))
    if conforms_to:
        graph.add((node, DCTERMS.conformsTo, URIRef(conforms_to)))


def catalogue(publisher_name, now=None) -> Graph:
    """The catalogue as an RDF graph: the publisher, the catalogue, one dataset per file."""
    today = Literal((now or timezone.now()).astimezone(PARIS).date(), datatype=XSD.date)
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)

    publisher = BNode("publisher")
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(publisher_name)))

    root = URIRef(catalogue_url())
    graph.add((root, RDF.type, DCAT.Catalog))
    text(graph, root, DCTERMS.title, TITLE)
    text(graph, root, DCTERMS.description, DESCRIPTION)
    graph.add((root, DCTERMS.publisher, publisher))
    graph.add((root, DCTERMS.license, LICENCE_URI))
    graph.add((root, DCTERMS.modified, today))
    graph.add((root, FOAF.homepage, URIRef(absolute("opendata:projects"))))
    for code in LANGUAGES.values():
        graph.add((root, DCTERMS.language, URIRef(f"{EU_AUTHORITY}language/{code}")))

    for published in DATASETS:
        table = published.table
        node = URIRef(f"{published.page_url}#{table.name}")
        graph.add((root, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(table.name)))
        text(graph, node, DCTERMS.title, {"fr": table.title, "en": published.title_en})
        text(
            graph,
            node,
            DCTERMS.description,
            {"fr": table.description, "en": published.description_en},
        )
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((node, DCTERMS.license, LICENCE_URI))
        graph.add((node, DCTERMS.modified, today))
        graph.add((node, DCAT.landingPage, URIRef(published.page_url)))
        graph.add((node, DCTERMS.conformsTo, URIRef(published.schema_url)))
        distribution(graph, node, published.csv_url, "csv", published.schema_url)
        for download in published.downloads:
            distribution(graph, node, download.url, download.format)
    return graph


def serialise(graph, fmt) -> bytes:
    """`fmt`: "jsonld" or "rdf" (RDF/XML), in UTF-8."""
    return graph.serialize(format=FORMATS[fmt][0], encoding="utf-8")
