"""The API's views: read-only, anonymous, JSON only, paginated, filtered with django-filter.

Every answer carries the licence in a Link header (rel="license") and may be read by scripts of
any site (Access-Control-Allow-Origin: *): the data is public and no cookie is ever used.
"""

from django.http import Http404
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from applications.models import Application
from calls.models import Call
from labels.models import Collection
from labels.status import paris_today
from reports.opendata import LICENCE, LICENCE_LINK, funded_projects
from reports.opendata_datasets import published_deliverables
from reports.opendata_registry import published_collections
from reports.public_project import by_reference
from reports.throttle import OpenDataThrottle

from .filters import DeliverableFilter, FundedProjectFilter, PublicCallFilter
from .serializers import (
    CallSerializer,
    CollectionSerializer,
    DeliverableSerializer,
    FundedProjectSerializer,
)


class OpenDataPagination(PageNumberPagination):
    """?page=2&page_size=100 (at most 500); the licence rides along with the results."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        return Response(
            {
                "licence": LICENCE,
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["licence", "count", "next", "previous", "results"]
        paginated["properties"] = {
            "licence": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "example": LICENCE["name"]},
                    "url": {"type": "string", "format": "uri", "example": LICENCE["url"]},
                    "spdx": {"type": "string", "example": LICENCE["spdx"]},
                },
                "required": ["name", "url", "spdx"],
            },
            **paginated["properties"],
        }
        return paginated


class OpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    # No authentication at all: no session, no CSRF, the same answer for everyone.
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    throttle_classes = [OpenDataThrottle]
    pagination_class = OpenDataPagination
    filter_backends = [DjangoFilterBackend]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Link"] = LICENCE_LINK
        response["Access-Control-Allow-Origin"] = "*"
        return response


@extend_schema_view(
    list=extend_schema(summary="Published calls", description="Newest deadline first."),
    retrieve=extend_schema(summary="One published call"),
)
class CallViewSet(OpenDataViewSet):
    serializer_class = CallSerializer
    filterset_class = PublicCallFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return Call.objects.for_listing().order_by("-closes_at", "title_fr", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Funded projects",
        description="Applications funded by a decision and announced (the letter sent, or the "
        "publication date come), newest year first; the same rows and "
        "fields as the CSV and JSON files of the open data page.",
    ),
    retrieve=extend_schema(
        summary="One funded project, by its reference",
        parameters=[
            OpenApiParameter(
                "reference",
                str,
                OpenApiParameter.PATH,
                description="The project's reference, such as 003-00042.",
            )
        ],
    ),
)
class FundedProjectViewSet(OpenDataViewSet):
    serializer_class = FundedProjectSerializer
    filterset_class = FundedProjectFilter
    lookup_field = "reference"
    lookup_value_regex = r"[0-9]+-[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular writing the schema
            return Application.objects.none()
        return funded_projects()

    def get_object(self):
        # One address per project: "003-00042", not "3-42".
        project = by_reference(self.get_queryset(), self.kwargs["reference"])
        if project is None:
            raise Http404
        return project


@extend_schema_view(
    list=extend_schema(
        summary="Deliverables of funded projects",
        description="The deliverables that announced funded projects declared public (datasets, "
        "corpora, software, publications, tools), with their persistent identifier and "
        "licence; the same rows and fields as the deliverables CSV file.",
    ),
    retrieve=extend_schema(summary="One public deliverable, by its id"),
)
class DeliverableViewSet(OpenDataViewSet):
    serializer_class = DeliverableSerializer
    filterset_class = DeliverableFilter

    def get_queryset(self):
        return published_deliverables()


@extend_schema_view(
    list=extend_schema(
        summary="Labelled collections",
        description="Every collection of the registry of CollEx collections of excellence, "
        "expired labels included with their state, by code; the same rows and fields as the "
        "registry's CSV and JSON files (lists are arrays here).",
    ),
    retrieve=extend_schema(
        summary="One labelled collection, by its code",
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description="The collection's code, such as CX0042.",
            )
        ],
    ),
)
class CollectionViewSet(OpenDataViewSet):
    serializer_class = CollectionSerializer
    lookup_field = "code"
    lookup_value_regex = r"CX[0-9]{4,}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular writing the schema
            return Collection.objects.none()
        return published_collections()

    def get_serializer_context(self):
        # One day for every row of the answer, in Paris.
        return {**super().get_serializer_context(), "today": paris_today()}

    def get_object(self):
        # One address per collection: "CX0042", not "CX42" nor "CX00042".
        number = int(self.kwargs["code"][2:])
        collection = self.get_queryset().filter(pk=number).first()
        if collection is None or collection.code != self.kwargs["code"]:
            raise Http404
        return collection


class OpenApiView(SpectacularJSONAPIView):
    """The OpenAPI 3 description, in English whatever the visitor's language (its descriptions
    are written in English), with the data's licence."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().get(request, *args, **kwargs)
        response["Link"] = LICENCE_LINK
        response["Access-Control-Allow-Origin"] = "*"
        return response
