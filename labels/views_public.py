"""The public directory of labelled collections, its map and its data, and each collection's
page: anyone reads them. Each view parses the request, calls one function and renders."""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import map as labels_map
from .filters import CollectionFilter
from .public import related_to
from .public_page import collection_page, listed
from .queries import map_points, public_collections

PER_PAGE = 20
# The map's data changes when a collection does: a browser may keep it a few minutes.
MAP_DATA_MAX_AGE = 300


def filtered(request):
    return CollectionFilter(request.GET or None, queryset=public_collections())


@require_safe
def directory(request):
    """The directory: the filters, the map of every collection found and the list, paginated."""
    filterset = filtered(request)
    collections = filterset.qs
    page = Paginator(collections, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = listed(page.object_list)
    points = map_points(collections)
    return render(
        request,
        "labels/public/directory.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "map": labels_map.svg(points),
            "unplaced": len(points) - len(labels_map.located(points)),
        },
    )


@require_safe
def map_data(request):
    """The directory's filtered collections as GeoJSON, for whoever draws their own map."""
    filterset = filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(
            json.dumps({"errors": filterset.errors.get_json_data()}),
            status=400,
            content_type="application/json",
        )
    points = map_points(filterset.qs)
    content = labels_map.features(
        points, lambda pk: request.build_absolute_uri(labels_map.collection_url(pk))
    )
    response = HttpResponse(
        json.dumps(content, ensure_ascii=False), content_type="application/geo+json"
    )
    patch_cache_control(response, public=True, max_age=MAP_DATA_MAX_AGE)
    return response


@require_safe
def collection(request, pk):
    """A collection's public page; its address is its number, whatever its name becomes."""
    found = collection_page(pk)
    if found is None:
        raise Http404
    return render(
        request,
        "labels/public/collection.html",
        {**found, "related": related_to(found["collection"])},
    )
