"""The DCAT catalogue of the open data: it parses as RDF (JSON-LD and RDF/XML, the same graph),
names every published file as a dataset in French and English under the Licence Ouverte 2.0, with
distributions whose addresses answer and which conform to their schema.json."""

import pytest
from django.urls import reverse
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from reports.opendata_datasets import DATASETS

pytestmark = pytest.mark.django_db

LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
EU = "http://publications.europa.eu/resource/authority/"
SITE = "http://testserver"


def catalogue(client, name="opendata:catalogue_jsonld", fmt="json-ld"):
    response = client.get(reverse(name))
    assert response.status_code == 200
    graph = Graph()
    graph.parse(data=response.content, format=fmt, publicID=SITE)
    return response, graph


def test_the_catalogue_parses_and_names_every_published_dataset(client):
    response, graph = catalogue(client)

    assert response["Content-Type"] == "application/ld+json"
    assert response["Link"].endswith('rel="license"')
    (root,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(root) == SITE + reverse("opendata:catalogue_jsonld")
    assert set(graph.objects(root, DCTERMS.license)) == {LICENCE}
    # Languages as the EU's authority names them (DCAT-AP), not as literals.
    assert set(graph.objects(root, DCTERMS.language)) == {
        URIRef(EU + "language/FRA"),
        URIRef(EU + "language/ENG"),
    }
    datasets = set(graph.objects(root, DCAT.dataset))
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == datasets
    identifiers = {str(graph.value(dataset, DCTERMS.identifier)) for dataset in datasets}
    assert identifiers == {published.table.name for published in DATASETS}
    for dataset in datasets:
        titles = {title.language for title in graph.objects(dataset, DCTERMS.title)}
        descriptions = {text.language for text in graph.objects(dataset, DCTERMS.description)}
        assert titles == descriptions == {"fr", "en"}
        assert graph.value(dataset, DCTERMS.license) == LICENCE
        publisher = graph.value(dataset, DCTERMS.publisher)
        assert graph.value(publisher, FOAF.name) == Literal("CollEx-Persée")
        assert graph.value(dataset, DCTERMS.modified) is not None


def test_each_dataset_has_its_csv_distribution_conforming_to_its_schema(client):
    _response, graph = catalogue(client)

    downloads = {}
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        url = str(graph.value(distribution, DCAT.downloadURL))
        downloads[url] = distribution
        assert graph.value(distribution, DCTERMS.license) == LICENCE
    for published in DATASETS:
        csv_url = SITE + reverse(published.csv)
        schema_url = SITE + reverse(published.schema)
        distribution = downloads[csv_url]
        media_type = str(graph.value(distribution, DCAT.mediaType))
        assert media_type == "https://www.iana.org/assignments/media-types/text/csv"
        assert graph.value(distribution, DCTERMS.format) == URIRef(EU + "file-type/CSV")
        assert str(graph.value(distribution, DCTERMS.conformsTo)) == schema_url
        # The addresses the catalogue gives answer, in French (the site's default language).
        assert client.get(csv_url.removeprefix(SITE)).status_code == 200
        assert client.get(schema_url.removeprefix(SITE)).status_code == 200
    json = downloads[SITE + reverse("opendata:projects_json")]
    assert graph.value(json, DCTERMS.format) == URIRef(EU + "file-type/JSON")
    media_type = "https://www.iana.org/assignments/media-types/application/json"
    assert graph.value(json, DCAT.mediaType) == URIRef(media_type)
    # Every file the datasets list, and nothing else, is a distribution.
    listed = {SITE + reverse(published.csv) for published in DATASETS} | {
        SITE + reverse(other.name) for published in DATASETS for other in published.downloads
    }
    assert set(downloads) == listed


def test_the_rdf_xml_form_is_the_same_graph(client):
    _response, jsonld = catalogue(client)
    response, xml = catalogue(client, "opendata:catalogue_rdf", "xml")

    assert response["Content-Type"] == "application/rdf+xml"
    assert isomorphic(jsonld, xml)


def test_the_catalogue_is_the_same_in_every_language(client):
    french = client.get(reverse("opendata:catalogue_jsonld")).content

    english = client.get(reverse("opendata:catalogue_jsonld"), HTTP_ACCEPT_LANGUAGE="en").content

    assert english == french
    assert b"/en/" not in french
