"""The public directory of labelled collections, its map's data and each collection's page.
A collection's address is its number: a new name keeps it."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_public

app_name = "labels"
urlpatterns = [
    path(pgettext_lazy("URL", "labelled-collections/"), views_public.directory, name="directory"),
    path(
        pgettext_lazy("URL", "labelled-collections/map.json"),
        views_public.map_data,
        name="map_data",
    ),
    path(
        pgettext_lazy("URL", "labelled-collections/<int:pk>/"),
        views_public.collection,
        name="collection",
    ),
]
