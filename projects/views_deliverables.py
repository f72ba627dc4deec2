"""Deliverables and closure pages: the project page's "Deliverables" section and its declare
form, the page that changes or removes one, and staff's closure page. Each view parses, calls
one service (projects.deliverables, projects.closure) and goes back to the project; a refusal
shows the form again with its errors beside the fields. Whoever may not read the project gets a
404, and so does whoever may not change its deliverables on the pages that only change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import show_refusal
from common.transitions import refusal

from . import closure, deliverables, payments, services, views
from .access import back_to, project_for
from .forms_deliverables import ClosureForm, DeliverableForm
from .models import Deliverable

SECTION = "deliverables"


@login_required
@require_POST
def declare_deliverable(request, pk):
    project = project_for(request, pk)
    form = DeliverableForm(request.POST, prefix="deliverable")
    if form.is_valid():
        try:
            deliverables.declare_deliverable(project, request.user, **form.cleaned_data)
        except deliverables.DeliverableError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The deliverable is declared."))
            return back_to(project, SECTION)
    return views.render_page(request, project, {"deliverable": form}, status=400)


@login_required
def edit_deliverable(request, pk, deliverable_pk):
    project, deliverable = _changeable(request, pk, deliverable_pk)
    if request.method != "POST":
        form = DeliverableForm.of(deliverable, prefix="deliverable")
        return _edit_page(request, project, deliverable, form)
    form = DeliverableForm(request.POST, prefix="deliverable")
    if form.is_valid():
        try:
            deliverables.update_deliverable(deliverable, request.user, **form.cleaned_data)
        except deliverables.DeliverableError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The deliverable is saved."))
            return back_to(project, SECTION)
    return _edit_page(request, project, deliverable, form, status=400)


@login_required
@require_POST
def remove_deliverable(request, pk, deliverable_pk):
    project, deliverable = _changeable(request, pk, deliverable_pk)
    try:
        deliverables.remove_deliverable(deliverable, request.user)
    except deliverables.DeliverableError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The deliverable is removed."))
    return back_to(project, SECTION)


@login_required
def close_project(request, pk):
    project = project_for(request, pk)
    if not request.user.has_perm("projects.see_projects"):
        raise Http404
    form = ClosureForm(request.POST or None, prefix="closure")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                closure.close_project(project, request.user, **form.cleaned_data)
            except services.ProjectError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The project is closed."))
                return redirect("projects:project", pk=project.pk)
        status = 400
    why_not = refusal(project, "close", request.user, services.PROJECT)
    paid = payments.paid_on_project(project)
    return render(
        request,
        "projects/deliverables/closure.html",
        {
            "project": project,
            "application": project.application,
            "missing": closure.closure_problems(project),
            "paid": paid,
            "returning": max(project.amount_granted - paid, 0),
            "why_not": why_not,
            "form": form if why_not is None or form.is_bound else None,
        },
        status=status,
    )


def _changeable(request, pk, deliverable_pk):
    project = project_for(request, pk, permission="projects.declare_deliverable")
    deliverable = get_object_or_404(Deliverable, pk=deliverable_pk, project=project)
    deliverable.project = project
    return project, deliverable


def _edit_page(request, project, deliverable, form, status=200):
    return render(
        request,
        "projects/deliverables/edit.html",
        {
            "project": project,
            "application": project.application,
            "deliverable": deliverable,
            "form": form,
        },
        status=status,
    )


# What the project page shows


def section(project, user, bound):
    """The context of the deliverables section: the list, the form to declare one for whoever
    may, and the way to the closure page for staff once the project may close. A fixed number
    of queries whatever the number of deliverables."""
    declares = user.has_perm("projects.declare_deliverable", project)
    form = bound.get("deliverable")
    if form is None and declares:
        form = DeliverableForm(prefix="deliverable")
    closes = user.has_perm("projects.see_projects") and (
        refusal(project, "close", user, services.PROJECT) is None
    )
    return {
        "deliverables": deliverables.deliverables_of(project),
        "declares_deliverables": declares,
        "deliverable_form": form,
        "closure_url": reverse("projects:close", args=[project.pk]) if closes else "",
    }
