"""Public pages of the reports app: the funded projects and their open data files (anyone)."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_opendata

app_name = "opendata"
urlpatterns = [
    path(
        pgettext_lazy("URL", "funded-projects/"),
        views_opendata.funded_projects_page,
        name="projects",
    ),
    path(
        pgettext_lazy("URL", "funded-projects.csv"),
        views_opendata.funded_projects_file,
        {"fmt": "csv"},
        name="projects_csv",
    ),
    path(
        pgettext_lazy("URL", "funded-projects.json"),
        views_opendata.funded_projects_file,
        {"fmt": "json"},
        name="projects_json",
    ),
    path(pgettext_lazy("URL", "funded-projects/api/"), views_opendata.api_reference, name="api"),
]
