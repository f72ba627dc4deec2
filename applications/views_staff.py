"""Programme staff: the applications of a call (filter, sort, export) and reopening one.

Anyone without the permission gets a 404, as for the applicant's pages: nobody learns what exists.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calls.models import Call

from . import exports
from .filters import StaffApplicationFilter, parse_sort, sort_applications, staff_applications
from .models import Application
from .services import ApplicationError, reopen_application

PER_PAGE = 50

# (?sort= key or None when the column does not sort, header)
COLUMNS = [
    ("reference", gettext_lazy("Reference")),
    ("title", gettext_lazy("Title")),
    (None, gettext_lazy("Lead applicant")),
    (None, gettext_lazy("Lead institution")),
    ("state", gettext_lazy("State")),
    ("amount", gettext_lazy("Amount requested (EUR)")),
    ("submitted", gettext_lazy("Received at")),
    ("updated", gettext_lazy("Last change")),
]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, recorded in the history"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


def staff_call_or_404(request, slug):
    """The call, if this user may see its applications (drafts of the call included)."""
    call = get_object_or_404(Call.objects.select_related("programme"), slug=slug)
    if not request.user.has_perm("applications.list_call_applications", call):
        raise Http404
    return call


def filtered_applications(request, call):
    """The filter form and the call's applications it selects, sorted as ?sort= asks."""
    sort_key, descending = parse_sort(request.GET.get("sort"))
    filterset = StaffApplicationFilter(request.GET or None, queryset=staff_applications(call))
    applications = sort_applications(filterset.qs, sort_key, descending)
    return filterset, applications, sort_key, descending


def column_headers(sort_key, descending):
    """Each column with the ?sort= value its link asks for and its aria-sort when sorted."""
    headers = []
    for key, label in COLUMNS:
        current = key is not None and key == sort_key
        headers.append(
            {
                "key": key,
                "label": label,
                "next_sort": f"-{key}" if current and not descending else key,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return headers


@login_required
def call_applications(request, slug):
    call = staff_call_or_404(request, slug)
    filterset, applications, sort_key, descending = filtered_applications(request, call)
    totals = applications.order_by().aggregate(count=Count("pk"), requested=Sum("requested_total"))
    paginator = Paginator(applications, PER_PAGE)
    paginator.count = totals["count"]  # a cached property: counted once, with the sum
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "applications/staff/call_applications.html",
        {
            "call": call,
            "filter": filterset,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "columns": column_headers(sort_key, descending),
            "sort": f"-{sort_key}" if descending else sort_key,
            "totals": totals,
            "reopen_form": ReopenForm(),
        },
    )


@login_required
def export_call_applications(request, slug, fmt):
    if fmt not in exports.BUILDERS:
        raise Http404
    call = staff_call_or_404(request, slug)
    _filterset, applications, _sort_key, _descending = filtered_applications(request, call)
    response = HttpResponse(
        exports.BUILDERS[fmt](applications.iterator(chunk_size=500)),
        content_type=exports.CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(call, fmt)}"'
    return response


@login_required
@require_POST
def reopen(request, pk):
    if not request.user.has_perm("applications.list_call_applications"):
        raise Http404
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the application is reopened."))
    else:
        try:
            reopen_application(application, request.user, form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Application %(reference)s is a draft again; its lead can change it.")
                % {"reference": application.reference},
            )
    return redirect(back_to_list(request, application))


def back_to_list(request, application):
    """The list the form was posted from (with its filters), or the call's list."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("applications:call_applications", kwargs={"slug": application.call.slug})
