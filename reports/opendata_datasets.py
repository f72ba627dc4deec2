"""The open data files besides the funded projects: the public deliverables of announced funded
projects and the published calls, each a CSV file with its Table Schema (reports.opendata_schema),
and the list of every published file that the DCAT catalogue describes (reports.dcat), the
registry of labelled collections included (reports.opendata_registry).

A deliverable is published when its project declared it public and the project is published
(reports.opendata.public_deliverables); nothing says who declared it. A call reads as the API
gives it (reports.api.serializers.CallSerializer), in the same columns.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from common.identifiers import link

from . import opendata
from .opendata_registry_schema import COLLECTIONS
from .opendata_schema import CALLS, DELIVERABLES, FUNDED_PROJECTS, Table


def published_deliverables():
    """The public deliverables of announced funded projects, with what their rows read."""
    return (
        opendata.public_deliverables()
        .select_related("project__decision__application")
        .only(
            "kind",
            "title",
            "description",
            "identifier_scheme",
            "identifier",
            "url",
            "licence",
            "declared_at",
            "project__decision__application__call_id",
        )
        .order_by("project__decision__application__call_id", "project_id", "declared_at", "pk")
    )


def deliverable_rows():
    for deliverable in published_deliverables().iterator(chunk_size=500):
        yield deliverable_record(deliverable)


def deliverable_record(deliverable) -> dict:
    address = link(deliverable.identifier_scheme, deliverable.identifier)
    return {
        "id": deliverable.pk,
        "project_id": deliverable.project.decision.application.reference,
        "kind": deliverable.kind,
        "title": deliverable.title,
        "description": deliverable.description,
        "identifier_scheme": deliverable.identifier_scheme,
        "identifier": deliverable.identifier or None,
        "url": address or deliverable.url or None,
        "licence": deliverable.licence,
        "declared_on": deliverable.declared_at.astimezone(opendata.PARIS).date().isoformat(),
    }


def call_rows(request):
    # Imported here: the API's serializers read this module's deliverable_record.
    from .api.serializers import CallSerializer

    calls = Call.objects.for_listing().order_by("-closes_at", "title_fr", "pk")
    serializer = CallSerializer(context={"request": request})
    for call in calls:
        yield serializer.to_representation(call)


def absolute(name, *args):
    """The address of a file, in the site's default language: the same whoever asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(name, args=args)


@dataclass(frozen=True)
class Download:
    """Another form of a dataset's file: its URL name and its format ("json", as
    reports.dcat.FILE_FORMATS names them)."""

    name: str
    format: str

    @property
    def url(self):
        return absolute(self.name)


@dataclass(frozen=True)
class Dataset:
    """A published file: its table, its CSV address, its schema's address, its page, and the
    other forms it can be downloaded in (`downloads`)."""

    key: str
    table: Table
    title_en: str
    description_en: str
    csv: str  # URL names
    schema: str
    page: str
    label: str = ""
    downloads: tuple[Download, ...] = ()

    @property
    def csv_url(self):
        return absolute(self.csv)

    @property
    def schema_url(self):
        return absolute(self.schema)

    @property
    def page_url(self):
        return absolute(self.page)


DATASETS = (
    Dataset(
        "projects",
        FUNDED_PROJECTS,
        "Funded projects",
        "The projects the network funded through its calls and announced: call, programme, "
        "institutions, amount granted, dates, state and payment conditions. One row a project.",
        csv="opendata:projects_csv",
        schema="opendata:schema",
        page="opendata:projects",
        label=_("Funded projects"),
        downloads=(Download("opendata:projects_json", "json"),),
    ),
    Dataset(
        "deliverables",
        DELIVERABLES,
        "Deliverables of funded projects",
        "The public deliverables (datasets, digitised corpora, software, publications, tools) "
        "of the announced funded projects, with their persistent identifier and licence.",
        csv="opendata:deliverables_csv",
        schema="opendata:deliverables_schema",
        page="opendata:projects",
        label=_("Deliverables of funded projects"),
    ),
    Dataset(
        "calls",
        CALLS,
        "Calls of the network",
        "The calls the network published: kind, programme, dates, phase, budget envelope and "
        "maximum amount per application. One row a call.",
        csv="opendata:calls_csv",
        schema="opendata:calls_schema",
        page="calls:list",
        label=_("Calls"),
    ),
    Dataset(
        "collections",
        COLLECTIONS,
        "CollEx labelled collections",
        "The registry of the collections of excellence the network labelled: names and "
        "descriptions in French and English, holding institution (ROR) and service, "
        "disciplines, kinds of material, languages, periods, size, access conditions, "
        "catalogues, address and coordinates, label dates and state. One row a collection, "
        "expired labels included; no personal data.",
        csv="opendata:collections_csv",
        schema="opendata:collections_schema",
        page="labels:directory",
        label=_("Labelled collections"),
        downloads=(Download("opendata:collections_json", "json"),),
    ),
)
BY_KEY = {dataset.key: dataset for dataset in DATASETS}


def schema_document(dataset, publisher):
    return dataset.table.as_schema(
        path=dataset.schema_url,
        homepage=dataset.page_url,
        publisher=publisher,
        licence=opendata.LICENCE,
        data=dataset.csv_url,
    )
