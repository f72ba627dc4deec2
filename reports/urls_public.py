"""Public pages of the reports app: the funded projects, each project's page, the open data files
with their Table Schemas and the DCAT catalogue that describes them (anyone)."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_open_files, views_opendata

app_name = "opendata"
urlpatterns = [
    path(
        pgettext_lazy("URL", "funded-projects/"),
        views_opendata.funded_projects_page,
        name="projects",
    ),
    path(pgettext_lazy("URL", "funded-projects/api/"), views_opendata.api_reference, name="api"),
    # A project's address is its reference, never its title: a new title keeps it.
    path(
        pgettext_lazy("URL", "funded-projects/<str:reference>/"),
        views_opendata.funded_project_page,
        name="project",
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
    # Each CSV file has its Table Schema beside it.
    path(
        pgettext_lazy("URL", "funded-projects.schema.json"),
        views_open_files.schema,
        {"key": "projects"},
        name="schema",
    ),
    path(
        pgettext_lazy("URL", "deliverables.csv"),
        views_open_files.deliverables_file,
        name="deliverables_csv",
    ),
    path(
        pgettext_lazy("URL", "deliverables.schema.json"),
        views_open_files.schema,
        {"key": "deliverables"},
        name="deliverables_schema",
    ),
    path(pgettext_lazy("URL", "calls.csv"), views_open_files.calls_file, name="calls_csv"),
    path(
        pgettext_lazy("URL", "calls.schema.json"),
        views_open_files.schema,
        {"key": "calls"},
        name="calls_schema",
    ),
    # The registry of labelled collections (reports.opendata_registry).
    path(
        pgettext_lazy("URL", "labelled-collections.csv"),
        views_open_files.collections_file,
        {"fmt": "csv"},
        name="collections_csv",
    ),
    path(
        pgettext_lazy("URL", "labelled-collections.json"),
        views_open_files.collections_file,
        {"fmt": "json"},
        name="collections_json",
    ),
    path(
        pgettext_lazy("URL", "labelled-collections.schema.json"),
        views_open_files.schema,
        {"key": "collections"},
        name="collections_schema",
    ),
    path(
        pgettext_lazy("URL", "open-data/catalogue.jsonld"),
        views_open_files.catalogue,
        {"fmt": "jsonld"},
        name="catalogue_jsonld",
    ),
    path(
        pgettext_lazy("URL", "open-data/catalogue.rdf"),
        views_open_files.catalogue,
        {"fmt": "rdf"},
        name="catalogue_rdf",
    ),
]
