"""The draft's labelled collections: the collection a label application describes, the
collections another call's project works on, and the start of a label renewal.

Each page belongs to the draft: it reads as the application does (404 otherwise) and saves only
as applications.edit_draft allows, under the draft's version.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms import error_summary, posted_version
from labels.forms import RecordForm

from . import collections, renewals
from .rules import application_or_404
from .services import ApplicationError, StaleDraft


def page_url(application, anchor):
    return reverse("applications:edit", args=[application.pk]) + f"#{anchor}"


@login_required
@require_http_methods(["GET", "POST"])
def collection_record(request, pk):
    """The collection that a label application describes (labels.forms.RecordForm). The record
    is saved when the form is valid; otherwise what was typed comes back with each error beside
    its field, and nothing is saved."""
    application = application_or_404(request.user, pk)
    if not application.call.grants_labels:
        raise Http404
    editable = request.user.has_perm("applications.edit_draft", application)
    record = application.collection_record or {}
    status, error = 200, ""
    if request.method == "POST" and editable:
        form = RecordForm(request.POST)
        if form.is_valid():
            try:
                collections.save_collection_record(
                    application,
                    request.user,
                    form.record(),
                    posted_version(request, application.version),
                )
            except StaleDraft as stale:
                error, status = str(stale), 409
            except ApplicationError as refused:
                messages.error(request, str(refused))
                return redirect(page_url(application, "collection"))
            else:
                messages.success(request, _("The description of the collection is saved."))
                return redirect(page_url(application, "collection"))
        else:
            status = 400
    elif request.method == "POST":
        messages.error(request, _("This draft can no longer be changed."))
        return redirect(page_url(application, "collection"))
    else:
        form = RecordForm(initial=RecordForm.data_of(record))
        if record:
            form = RecordForm(data=RecordForm.data_of(record))  # its problems beside their fields
    context = {
        "application": application,
        "call": application.call,
        "form": form,
        "problems": error_summary(form) if form.is_bound else [],
        "editable": editable,
        "error": error,
        "version": application.version,
        **collections.page_context(application),
    }
    return render(request, "applications/collection_record.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def collections_used(request, pk):
    """The labelled collections the project works on, ticked among the registry's."""
    application = application_or_404(request.user, pk)
    if not application.call.asks_for_collections:
        raise Http404
    editable = request.user.has_perm("applications.edit_draft", application)
    if request.method == "POST":
        try:
            collections.save_collections_used(
                application,
                request.user,
                [pk for pk in request.POST.getlist("collections") if pk.isdigit()],
                posted_version(request, application.version),
            )
        except ApplicationError as refused:
            messages.error(request, str(refused))
            return redirect(reverse("applications:collections_used", args=[application.pk]))
        messages.success(request, _("The collections your project works on are saved."))
        return redirect(page_url(application, "collections-used"))
    search = request.GET.get("q", "").strip()[:100]
    named = set(application.collections_used.values_list("pk", flat=True))
    context = {
        "application": application,
        "call": application.call,
        "editable": editable,
        "search": search,
        "choices": collections.choices(application, search=search),
        "named": named,
        "version": application.version,
    }
    return render(request, "applications/collections_used.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def renew(request, slug, collection):
    """A holder's renewal through a label call (from a campaign's invitation or their
    collection's page): they confirm, and the renewal draft is started (or found again);
    anyone else gets a 404."""
    renewal = renewals.renewal_or_404(request.user, slug, collection)
    if request.method == "POST":
        try:
            application = renewals.start_renewal(request.user, renewal)
        except ApplicationError as refused:
            messages.error(request, str(refused))
            return redirect(request.path)
        messages.success(
            request,
            _("Your renewal application is ready, with the collection's current description."),
        )
        return redirect(reverse("applications:collection_record", args=[application.pk]))
    context = {
        "collection": renewal.collection,
        "call": renewal.call,
        "draft": renewals.renewal_draft(renewal),
        "can_renew": request.user.has_perm("applications.renew_label", renewal),
    }
    return render(request, "applications/renew.html", context)
