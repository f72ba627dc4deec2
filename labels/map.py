"""The map of labelled collections, drawn by the site as SVG from the outlines it ships
(labels/geodata/france.geojson, Natural Earth through world-atlas: see labels/geodata/README.md).

No tile server, no script, no third-party request: the page's Content-Security-Policy holds.
Mainland France (with Corsica) fills the main frame; each overseas region or collectivity has
an inset of its own, with its own box of longitudes and latitudes (labels/geodata/frames.py). A
collection is placed by its coordinates in the frame of its region; one without coordinates, or
whose coordinates lie outside its region's frame (RecordForm refuses them; older records may hold
them), is only in the list: never pinned to a frame's edge where it would mislead. Each marker is
a link to the collection's page, named by its <title> with its label's state (the colour is not
the only sign of it).

The data file gives the same collections as GeoJSON (features(): coordinates as longitude,
latitude; a collection the map does not place has no geometry).
"""

import json
import math
from functools import cache
from pathlib import Path

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from calls.translated import page_language

from .geodata.frames import FRAMES, HEIGHT, MAINLAND, WIDTH, frame_of
from .models import code_of
from .status import LabelState
from .vocabularies import Region

OUTLINES = Path(__file__).resolve().parent / "geodata" / "france.geojson"
LABEL_BAND = 20  # the height of an inset's name, above its map
MARKER_RADIUS = {True: 7, False: 6}  # mainland, insets
REGION_NAMES = dict(Region.choices)


class Projection:
    """Longitude and latitude to the SVG's units in one frame: equirectangular, scaled by the
    cosine of the frame's middle latitude (true enough at a region's scale), centred in its
    box below its name."""

    def __init__(self, frame):
        self.frame = frame
        west, south, east, north = frame.bounds
        x, y, width, height = frame.box
        if frame is not MAINLAND:
            y, height = y + LABEL_BAND, height - LABEL_BAND
        self.squeeze = math.cos(math.radians((south + north) / 2))
        self.scale = min(width / ((east - west) * self.squeeze), height / (north - south))
        self.left = x + (width - (east - west) * self.squeeze * self.scale) / 2
        self.top = y + (height - (north - south) * self.scale) / 2

    def __call__(self, longitude, latitude):
        west, south, east, north = self.frame.bounds
        # A point within the frame's margin (Frame.holds) sits on its edge; farther ones are
        # not drawn at all (placed()).
        longitude = min(max(longitude, west), east)
        latitude = min(max(latitude, south), north)
        return (
            round(self.left + (longitude - west) * self.squeeze * self.scale, 1),
            round(self.top + (north - latitude) * self.scale, 1),
        )


@cache
def projections():
    return {frame.key: Projection(frame) for frame in FRAMES}


@cache
def outlines():
    """{frame key: [(kind, SVG path)]}, projected once per process."""
    found = {}
    for feature in json.loads(OUTLINES.read_text())["features"]:
        key, kind = feature["properties"]["frame"], feature["properties"]["kind"]
        project = projections()[key]
        path = " ".join(
            "M" + " ".join(f"{x:g} {y:g}" for x, y in (project(*point) for point in ring)) + "Z"
            for polygon in feature["geometry"]["coordinates"]
            for ring in polygon
        )
        found.setdefault(key, []).append((kind, path))
    return found


def frame_key(region):
    return frame_of(region).key


def name_of(point):
    if page_language() == "en" and point["name_en"]:
        return point["name_en"]
    return point["name_fr"]


def located(points):
    """The points the map draws: those with coordinates in their region's frame."""
    return [point for point in points if placed(point)]


def placed(point):
    if point["latitude"] is None or point["longitude"] is None:
        return False
    return frame_of(point["region"]).holds(float(point["longitude"]), float(point["latitude"]))


def collection_url(pk):
    return reverse("labels:collection", args=[pk])


def marker(point, mainland):
    project = projections()[frame_key(point["region"])]
    x, y = project(float(point["longitude"]), float(point["latitude"]))
    state = LabelState(point["label_state"])
    title = _("%(name)s, %(city)s (%(state)s)") % {
        "name": name_of(point),
        "city": point["city"],
        "state": state.label,
    }
    return format_html(
        '<a href="{}" class="map-marker map-marker-{}"><title>{}</title>'
        '<circle cx="{}" cy="{}" r="{}"/></a>',
        collection_url(point["pk"]),
        state.value,
        title,
        x,
        y,
        MARKER_RADIUS[mainland],
    )


def frame_group(frame, points):
    mainland = frame is MAINLAND
    x, y, width, height = frame.box
    land = format_html_join("", '<path class="map-{}" d="{}"/>', outlines().get(frame.key, []))
    markers = format_html_join("", "{}", ((marker(p, mainland),) for p in points))
    if mainland:
        return format_html(
            '<g class="map-frame" id="map-frame-mainland">'
            '<rect class="map-sea" x="{}" y="{}" width="{}" height="{}"/>{}{}</g>',
            x, y, width, height, land, markers,
        )  # fmt: skip
    name = REGION_NAMES[frame.key]
    return format_html(
        '<g class="map-frame map-inset" id="map-frame-{}">'
        '<rect class="map-sea" x="{}" y="{}" width="{}" height="{}"/>'
        '<text class="map-inset-name" x="{}" y="{}">{}</text>{}{}</g>',
        frame.key, x, y, width, height, x + 6, y + 15, name, land, markers,
    )  # fmt: skip


def svg(points):
    """The map of `points` (labels.queries.map_points), as an SVG element to put in a page."""
    by_frame = {}
    for point in located(points):
        by_frame.setdefault(frame_key(point["region"]), []).append(point)
    groups = format_html_join(
        "", "{}", ((frame_group(frame, by_frame.get(frame.key, [])),) for frame in FRAMES)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="labels-map" viewBox="0 0 {} {}" '
        'aria-labelledby="labels-map-title">'
        '<title id="labels-map-title">{}</title>{}</svg>',
        WIDTH,
        HEIGHT,
        _("Map of the labelled collections in France and overseas"),
        groups or mark_safe(""),
    )


def features(points, address):
    """The GeoJSON FeatureCollection of `points`; `address(pk)` gives a collection's URL."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": code_of(point["pk"]),
                "geometry": (
                    {
                        "type": "Point",
                        "coordinates": [float(point["longitude"]), float(point["latitude"])],
                    }
                    if placed(point)
                    else None
                ),
                "properties": {
                    "code": code_of(point["pk"]),
                    "name": name_of(point),
                    "city": point["city"],
                    "region": point["region"],
                    "region_name": str(REGION_NAMES.get(point["region"], "")),
                    "state": point["label_state"],
                    "url": address(point["pk"]),
                },
            }
            for point in points
        ],
    }
