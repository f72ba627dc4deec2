"""The public page of funded projects, each project's page, and their CSV and JSON files, under
the Licence Ouverte."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications.receipts import network_name

from . import opendata
from .opendata_filters import FundedProjectFilter
from .public_project import public_project
from .throttle import limited

PER_PAGE = 50


def too_many_requests():
    return _("Too many requests from your address in a short time. Wait a minute, then try again.")


def too_many_for_the_page(request):
    return render(request, "429.html", {"message": too_many_requests()}, status=429)


def too_many_for_a_file(request):
    return JsonResponse({"detail": too_many_requests()}, status=429)


def filtered(request):
    return FundedProjectFilter(request.GET or None, queryset=opendata.funded_projects())


def with_licence(response):
    response["Link"] = opendata.LICENCE_LINK
    return response


@require_safe
@limited(too_many_for_the_page)
def funded_projects_page(request):
    filterset = filtered(request)
    # On the page, the year is chosen among the years that have funded projects.
    year_field = filterset.form.fields["year"]
    year_field.widget = forms.Select(
        choices=[("", _("All years")), *((year, year) for year in opendata.years())],
        attrs={"class": "form-select"},
    )
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    return with_licence(
        render(
            request,
            "reports/opendata.html",
            {
                "filter": filterset,
                "page": page,
                "page_range": page.paginator.get_elided_page_range(page.number),
                "licence": opendata.LICENCE,
            },
        )
    )


@require_safe
@limited(too_many_for_a_file)
def funded_projects_file(request, fmt):
    filterset = filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        # A file of every project when a filter was mistyped would mislead: say what is wrong.
        problems = "\n".join(
            f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
        )
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    projects = filterset.qs.iterator(chunk_size=500)
    if fmt == "json":
        content = opendata.as_json(projects, publisher=network_name())
    else:
        content = opendata.as_csv(projects)
    response = HttpResponse(content, content_type=opendata.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{opendata.filename(fmt)}"'
    return with_licence(response)


@require_safe
def api_reference(request):
    """The JSON API explained to people: every operation, its parameters and its fields."""
    from .api import reference

    return render(
        request,
        "reports/api_reference.html",
        {
            "operations": reference.operations(),
            "openapi": request.build_absolute_uri(reverse("api:schema")),
            "licence": opendata.LICENCE,
        },
    )


@require_safe
@limited(too_many_for_the_page)
def funded_project_page(request, reference):
    """A funded project's public page; not found unless the open data publishes the project."""
    found = public_project(reference)
    if found is None:
        raise Http404
    return with_licence(
        render(request, "reports/funded_project.html", {**found, "licence": opendata.LICENCE})
    )
