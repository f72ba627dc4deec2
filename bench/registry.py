"""Benchmark of the registry's public side (issue 19): the directory of labelled collections,
its first page without a filter and with one, and the map's data (GeoJSON of every collection),
p50 and p95 over HTTP as a visitor (no session) loads them, at the large demo's 2,000
collections (demo/volume.py; fewer below the full size)."""

from django.urls import reverse
from django.utils import translation

from labels.models import Collection

from .http import Browser, p50, percentile

# The directory's one filter: a kind of material about a third of the collections have.
FILTER = "material=manuscripts"


def visitor_timings(path, loads):
    """`loads` GETs of `path` one after the other by one anonymous visitor, in milliseconds."""
    browser = Browser()
    timings = []
    for _ in range(loads):
        status, _location, _body, ms = browser.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        timings.append(ms)
    browser.close()
    return timings


def measure_registry(results, metric, log=print, most_loads=20):
    count = Collection.objects.count()
    results["labels.collections"] = metric(
        count, "count", "labelled collections in the registry the directory and map read"
    )
    with translation.override("fr"):
        directory = reverse("labels:directory")
        map_data = reverse("labels:map_data")
    half = max(1, most_loads // 2)
    timings = visitor_timings(directory, half) + visitor_timings(f"{directory}?{FILTER}", half)
    what = (
        f"the directory's first page ({count} collections, 20 a page, with its map), "
        f"{half} loads without a filter and {half} with ?{FILTER}"
    )
    results["labels.directory.p50_ms"] = metric(p50(timings), "ms", f"p50 of {what}")
    results["labels.directory.p95_ms"] = metric(percentile(timings, 0.95), "ms", f"p95 of {what}")
    log(f"labels.directory: p50 {p50(timings):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms")
    timings = visitor_timings(map_data, most_loads)
    results["labels.map_data.p50_ms"] = metric(
        p50(timings),
        "ms",
        f"p50 of {len(timings)} loads of the map's data (GeoJSON of all {count} collections)",
    )
    log(f"labels.map_data: p50 {p50(timings):.0f} ms")
