"""The map of labelled collections: drawn by the site (SVG, no script, no third-party request),
mainland France in its frame and each overseas territory in its inset, a marker per collection
found (all of them, not only the list's page) that links to its page; its accessible equivalent
is the list; its data as GeoJSON, cached briefly, in a fixed number of queries."""

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from labels.forms import RecordForm
from labels.map import OUTLINES
from labels.models import Collection
from labels.status import paris_today

from .factories import collection_record, labelled_collection
from .reading import visible_text
from .test_label_directory import many

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def directory(client, language="fr", **params):
    with translation.override(language):
        return client.get(reverse("labels:directory"), params)


def map_data(client, language="fr", **params):
    with translation.override(language):
        return client.get(reverse("labels:map_data"), params)


def svg_of(response):
    content = response.content.decode()
    return ET.fromstring(re.search(r"<svg.*?</svg>", content, re.S).group(0))


def frame_holding(svg, collection):
    """The id of the map's frame whose group holds the marker of `collection`."""
    url = collection.get_absolute_url()
    for group in svg.iter(f"{SVG}g"):
        for link in group.iter(f"{SVG}a"):
            if link.get("href") == url:
                return group.get("id")
    return None


@pytest.fixture
def placed():
    with translation.override("fr"):
        return {
            "paris": labelled_collection(),
            "reunion": labelled_collection(
                name_fr="Fonds de l'océan Indien",
                city="Saint-Denis",
                region="04",
                latitude="-20.882100",
                longitude="55.450700",
            ),
            "noumea": labelled_collection(
                name_fr="Fonds océaniens",
                city="Nouméa",
                region="988",
                latitude="-22.275800",
                longitude="166.458000",
            ),
            "nowhere": labelled_collection(
                name_fr="Fonds sans coordonnées", city="Lille", latitude=None, longitude=None
            ),
        }


def test_each_collection_is_placed_in_the_frame_of_its_region(client, placed):
    with translation.override("fr"):
        svg = svg_of(directory(client))
        assert frame_holding(svg, placed["paris"]) == "map-frame-mainland"
        assert frame_holding(svg, placed["reunion"]) == "map-frame-04"
        assert frame_holding(svg, placed["noumea"]) == "map-frame-988"
        assert frame_holding(svg, placed["nowhere"]) is None


def test_a_marker_is_a_named_link_inside_an_accessible_map(client, placed):
    response = directory(client)
    svg = svg_of(response)
    # Its own role (graphics-document), named by its title: the HTML checker allows no "group".
    assert svg.get("role") is None
    assert svg.get("viewBox") == "0 0 1000 780"
    title = svg.find(f"{SVG}title")
    assert svg.get("aria-labelledby") == title.get("id")
    names = [link.find(f"{SVG}title").text for link in svg.iter(f"{SVG}a")]
    assert "Fonds océaniens, Nouméa (Labellisée)" in names
    # The inset says which territory it is.
    assert "La Réunion" in [text.text for text in svg.iter(f"{SVG}text")]


def test_the_list_is_the_maps_equivalent_and_the_map_can_be_skipped(client, placed):
    response = directory(client)
    content = response.content.decode()
    assert 'href="#collections-list"' in content
    assert 'id="collections-list"' in content
    text = visible_text(response)
    assert "Fonds sans coordonnées" in text
    assert "1 collection n’est pas sur la carte" in text


def test_each_marker_and_the_legend_name_the_labels_state_not_only_its_colour(client):
    today = paris_today()
    at = {"name_en": "", "region": "84", "latitude": "45.76", "longitude": "4.83"}
    labelled_collection(name_fr="Fonds en cours", city="Lyon", **at)
    ending = {"decided_on": today - dt.timedelta(days=40 * 30), "months": 44}
    labelled_collection(name_fr="Fonds finissant", city="Brest", **at, **ending)
    expired = {"decided_on": today - dt.timedelta(days=3 * 365), "months": 12}
    labelled_collection(name_fr="Fonds échu", city="Caen", **at, **expired)
    response = directory(client, "en")
    names = {link.find(f"{SVG}title").text for link in svg_of(response).iter(f"{SVG}a")}
    assert names == {
        "Fonds en cours, Lyon (Labelled)",
        "Fonds finissant, Brest (Label ending soon)",
        "Fonds échu, Caen (Label expired)",
    }
    legend = re.search(r"<ul[^>]*labels-map-legend.*?</ul>", response.content.decode(), re.S)
    for state in ("Labelled", "Label ending soon", "Label expired"):
        assert state in legend.group(0)


def test_the_map_obeys_the_content_security_policy(client, placed):
    content = directory(client).content.decode()
    svg = re.search(r"<svg.*?</svg>", content, re.S).group(0)
    assert "style=" not in svg
    assert "<script" not in svg
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)  # no inline script on the page
    assert "tile" not in svg


def test_the_map_shows_the_filtered_collections(client, placed):
    svg = svg_of(directory(client, region="04"))
    with translation.override("fr"):
        assert frame_holding(svg, placed["reunion"]) == "map-frame-04"
        assert frame_holding(svg, placed["paris"]) is None


@pytest.mark.parametrize(
    "region, latitude, longitude",
    [
        ("11", "2.3522", "48.8566"),  # Paris, swapped
        ("11", "-48.8566", "2.3522"),  # a sign lost: in the southern hemisphere
        ("04", "20.8821", "55.4507"),  # La Réunion north of the equator
        ("988", "-22.2758", "-166.458"),  # Nouméa west of Greenwich
        ("02", "16.2411", "-61.5331"),  # Pointe-à-Pitre given as in Martinique
    ],
)
def test_a_point_outside_its_regions_frame_is_refused_beside_its_coordinates(
    region, latitude, longitude
):
    record = collection_record(region=region, latitude=latitude, longitude=longitude)
    with translation.override("en"):
        form = RecordForm(data=RecordForm.data_of(record))
        assert not form.is_valid()
        region_name = dict(form.fields["region"].choices)[region]
        message = (
            f"This point is not in {region_name}: check the latitude and the longitude "
            "(not swapped?)."
        )
        assert form.errors["latitude"] == [message]
        assert form.errors["longitude"] == [message]


@pytest.mark.parametrize(
    "region, latitude, longitude",
    [
        ("94", "41.3870", "9.1590"),  # Bonifacio, Corsica: the mainland frame
        ("02", "14.3950", "-60.8700"),  # Sainte-Anne, Martinique: near its inset's edge
        ("987", "-17.5516", "-149.5585"),  # Papeete
        ("03", "4.9224", "-52.3135"),  # Cayenne
    ],
)
def test_a_point_in_its_regions_frame_is_accepted(region, latitude, longitude):
    record = collection_record(region=region, latitude=latitude, longitude=longitude)
    form = RecordForm(data=RecordForm.data_of(record))
    assert form.is_valid(), form.errors


def test_an_older_record_outside_its_frame_is_listed_but_not_pinned_to_the_maps_edge(
    client, placed
):
    # Recorded before the form checked it: a collection of Paris with its coordinates swapped.
    Collection.objects.filter(pk=placed["paris"].pk).update(latitude="2.35", longitude="48.85")
    response = directory(client)
    with translation.override("fr"):
        assert frame_holding(svg_of(response), placed["paris"]) is None
    text = html.unescape(visible_text(response))
    assert placed["paris"].name_fr in text
    assert "2 collections ne sont pas sur la carte" in text
    data = json.loads(map_data(client).content)
    found = {f["properties"]["code"]: f for f in data["features"]}
    assert found[placed["paris"].code]["geometry"] is None


def test_the_outlines_the_project_ships_are_small():
    assert OUTLINES.stat().st_size < 300_000
    outlines = json.loads(OUTLINES.read_text())
    frames = {feature["properties"]["frame"] for feature in outlines["features"]}
    assert frames == {"mainland", "01", "02", "03", "04", "06", "987", "988"}


# The map's data


def test_the_maps_data_is_geojson_of_the_filtered_collections(client, placed):
    response = map_data(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=300" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    found = {f["properties"]["code"]: f for f in data["features"]}
    reunion = found[placed["reunion"].code]
    assert reunion["geometry"] == {"type": "Point", "coordinates": [55.4507, -20.8821]}
    assert reunion["properties"]["name"] == "Fonds de l'océan Indien"
    assert reunion["properties"]["city"] == "Saint-Denis"
    assert reunion["properties"]["region"] == "04"
    assert reunion["properties"]["state"] == "labelled"
    assert reunion["properties"]["url"].endswith(
        f"/collections-labellisees/{placed['reunion'].pk}/"
    )
    assert found[placed["nowhere"].code]["geometry"] is None

    narrowed = json.loads(map_data(client, region="988").content)
    assert [f["properties"]["city"] for f in narrowed["features"]] == ["Nouméa"]


def test_the_maps_data_has_its_english_address_and_refuses_a_mistyped_filter(client, placed):
    with translation.override("fr"):
        assert reverse("labels:map_data") == "/collections-labellisees/carte.json"
    with translation.override("en"):
        assert reverse("labels:map_data") == "/en/labelled-collections/map.json"
    assert map_data(client, "en", region="99").status_code == 400


@pytest.mark.parametrize("count", [20, 2000])
def test_the_maps_data_needs_one_query(client, count, django_assert_num_queries):
    many(count, collection_record())
    with django_assert_num_queries(1):
        response = map_data(client, material="printed")
    assert len(json.loads(response.content)["features"]) == count
