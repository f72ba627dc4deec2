"""The frames of the map of France: mainland France (with Corsica) and one inset per overseas
region or collectivity where the network's collections are. Each frame is a box of longitudes
and latitudes (west, south, east, north) and the rectangle of the SVG it is drawn in (x, y,
width, height in the SVG's own units). Plain data, without Django: the map (labels.map) and the
script that builds the outlines (labels/geodata/build.py) both read it."""

from typing import NamedTuple

# How far (in degrees, about 10 km) a point may lie outside its frame's box and still be drawn
# (on the box's edge): a collection on a coast or a small island the box cuts close.
MARGIN = 0.1


class Frame(NamedTuple):
    key: str  # "mainland", or the region's code (labels.vocabularies.Region)
    bounds: tuple[float, float, float, float]  # west, south, east, north, in degrees
    box: tuple[float, float, float, float]  # x, y, width, height in the SVG's units

    def holds(self, longitude, latitude, margin=MARGIN) -> bool:
        """Whether the point is in this frame's box of longitudes and latitudes (give or take
        the margin): the form refuses, and the map does not draw, a point outside it."""
        west, south, east, north = self.bounds
        return (
            west - margin <= longitude <= east + margin
            and south - margin <= latitude <= north + margin
        )


WIDTH, HEIGHT = 1000, 780
MAINLAND = Frame("mainland", (-5.3, 40.85, 9.7, 51.65), (0, 0, 750, HEIGHT))

# The insets, in a column right of mainland France, each under its name.
INSET_X, INSET_WIDTH, INSET_GAP = 765, 235, 6
INSET_BOUNDS = {
    "01": (-61.85, 15.82, -60.95, 16.54),  # Guadeloupe
    "02": (-61.25, 14.38, -60.79, 14.89),  # Martinique
    "03": (-54.65, 2.08, -51.55, 5.82),  # Guyane
    "04": (55.19, -21.41, 55.86, -20.85),  # La Réunion
    "06": (44.98, -13.03, 45.32, -12.62),  # Mayotte
    "988": (163.5, -22.75, 168.2, -19.5),  # Nouvelle-Calédonie
    "987": (-152.0, -18.0, -148.9, -16.2),  # Polynésie française: the Society Islands
}
INSET_HEIGHT = (HEIGHT - INSET_GAP * (len(INSET_BOUNDS) - 1)) / len(INSET_BOUNDS)
INSETS = tuple(
    Frame(key, bounds, (INSET_X, index * (INSET_HEIGHT + INSET_GAP), INSET_WIDTH, INSET_HEIGHT))
    for index, (key, bounds) in enumerate(INSET_BOUNDS.items())
)
FRAMES = (MAINLAND, *INSETS)
FRAME_OF = {frame.key: frame for frame in INSETS}


def frame_of(region) -> Frame:
    """The frame a collection of `region` (its code) is drawn in: its inset overseas, the
    mainland frame for the regions of mainland France and Corsica."""
    return FRAME_OF.get(region, MAINLAND)
