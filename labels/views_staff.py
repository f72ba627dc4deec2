"""Staff's registry of labelled collections (labels.manage_registry): the list of every
collection with filters, and a collection's page, the holders' page with staff's powers (edit
at any time, read the history). Anyone else gets a 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Collection
from .registry import RegistryFilters, registry
from .status import label_state
from .views_holders import edit_page

PER_PAGE = 50


def managed(request):
    if not request.user.has_perm("labels.manage_registry"):
        raise Http404


@login_required
def registry_list(request):
    managed(request)
    filters = RegistryFilters(request.GET or None)
    page = Paginator(registry(filters), PER_PAGE).get_page(request.GET.get("page"))
    for collection in page.object_list:
        collection.label_now = label_state(collection)
    return render(
        request,
        "labels/staff/registry.html",
        {
            "filters": filters,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "collections": page.object_list,
        },
    )


@login_required
def collection_page(request, pk):
    managed(request)
    collection = get_object_or_404(Collection.objects.select_related("institution"), pk=pk)
    return edit_page(request, collection, "labels/staff/collection.html")
