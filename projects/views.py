"""Project pages: staff's list of funded projects; one project's facts, state and history, with
staff's moves as forms. Whoever may not read a project gets a 404 (an anonymous visitor is
asked to sign in), so that nobody learns what exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from applications.audit import trail
from applications.models import AuditSubject
from calls.models import Programme
from common.transitions import refusal

from . import (
    payments,
    services,
    views_agreement,
    views_amendments,
    views_deliverables,
    views_reports,
)
from .access import back_to, project_for
from .forms import (
    CarrierForm,
    ConfirmForm,
    FilterForm,
    PaymentForm,
    ReasonForm,
    schedule_formset,
)
from .models import Project, Signature

PER_PAGE = 100


@login_required
def project_list(request):
    if not request.user.has_perm("projects.see_projects"):
        raise Http404
    programmes = Programme.objects.order_by("position", "code")
    filters = FilterForm(request.GET or None, programmes=programmes)
    projects = Project.objects.select_related(
        "decision__application__call__programme", "carrier"
    ).order_by("-decision__application__call__closes_at", "decision__application_id")
    if filters.is_valid():
        if filters.cleaned_data["state"]:
            projects = projects.filter(state=filters.cleaned_data["state"])
        if filters.cleaned_data["programme"]:
            projects = projects.filter(
                decision__application__call__programme=filters.cleaned_data["programme"]
            )
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "projects": page.object_list,
            "filters": filters,
        },
    )


# One project: each step a form, the service it calls, the field its refusal is shown beside.
# Closing has its own page, with what is missing (views_deliverables.close_project).
STEPS = {
    "carrier": (CarrierForm, None),
    "start": (ConfirmForm, None),
    "suspend": (ReasonForm, "reason"),
    "resume": (ReasonForm, "reason"),
    "terminate": (ReasonForm, "reason"),
    "begin_closing": (ConfirmForm, None),
}

DONE = {
    "carrier": gettext_lazy("The carrier is saved."),
    "start": gettext_lazy("The project is running."),
    "suspend": gettext_lazy("The project is suspended."),
    "resume": gettext_lazy("The project is running again."),
    "terminate": gettext_lazy("The project is terminated."),
    "begin_closing": gettext_lazy("The project is closing."),
}

BUTTONS = {
    "start": gettext_lazy("Start the project"),
    "suspend": gettext_lazy("Suspend the project"),
    "resume": gettext_lazy("Resume the project"),
    "terminate": gettext_lazy("Terminate the project"),
    "begin_closing": gettext_lazy("Begin closing"),
}

STOPPING = {"suspend", "terminate"}


def act(project, user, step, data):
    if step == "carrier":
        return services.set_carrier(project, user, **data)
    if step in ("suspend", "resume", "terminate"):
        return MOVES_WITH_REASON[step](project, user, data["reason"])
    return MOVES[step](project, user)


MOVES = {
    "start": services.start_project,
    "begin_closing": services.begin_closing,
}
MOVES_WITH_REASON = {
    "suspend": services.suspend_project,
    "resume": services.resume_project,
    "terminate": services.terminate_project,
}


@login_required
def project_page(request, pk):
    project = project_for(
        request,
        pk,
        queryset=Project.objects.annotate(
            has_signature=Exists(Signature.objects.filter(version__project=OuterRef("pk")))
        ),
    )
    user = request.user
    forms = {}
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        if step not in STEPS and step not in MONEY or not user.has_perm("projects.see_projects"):
            raise Http404
        if step in MONEY:
            form, saved = MONEY[step](project, user, request.POST)
            if saved:
                messages.success(request, MONEY_DONE[step])
                return back_to(project, step)
            forms[step] = form
            return render_page(request, project, forms, status=400)
        form_class, error_field = STEPS[step]
        if step == "carrier":
            form = new_carrier_form(project, request.POST)
        else:
            form = form_class(request.POST, prefix=step)
        if form.is_valid():
            try:
                act(project, user, step, form.cleaned_data)
            except services.ProjectError as error:
                for field, texts in error.problems.items():  # beside their field
                    for text in texts:
                        form.add_error(field if field in form.fields else error_field, text)
                if error.message or not error.problems:
                    form.add_error(error_field, str(error))
            else:
                messages.success(request, DONE[step])
                return redirect("projects:project", pk=project.pk)
        forms[step] = form
        status = 400
    return render_page(request, project, forms, status)


def render_page(request, project, forms, status):
    user = request.user
    schedule = payments.schedule_of(project)
    manages = user.has_perm("projects.manage_payments", project)
    return render(
        request,
        "projects/project.html",
        {
            "project": project,
            "application": project.application,
            "moves": moves_for(project, user, forms),
            "carrier_form": carrier_form(project, user, forms),
            "history": trail(project.application, AuditSubject.PROJECT),
            "schedule": schedule,
            "schedule_form": forms.get("schedule")
            or (
                schedule_formset(schedule["instalments"], reports=project.reports.all())
                if manages
                else None
            ),
            "payment_form": forms.get("payment")
            or (
                PaymentForm(prefix="payment", instalments=schedule["instalments"])
                if manages and schedule["instalments"]
                else None
            ),
            **views_agreement.section(project, user, forms),
            **views_amendments.section(project, user, forms),
            **views_deliverables.section(project, user, forms),
            **views_reports.section(project, user),
        },
        status=status,
    )


# The schedule and the payments: each returns (its form, whether it was saved).


def save_schedule(project, user, data):
    formset = schedule_formset((), data, reports=project.reports.all())
    if not formset.is_valid():
        return formset, False
    filled = formset.rows()
    try:
        payments.set_schedule(project, [row for _index, row in filled], user)
    except payments.PaymentError as error:
        for key, texts in error.problems.items():
            if key.startswith("rows."):
                _rows, index, field = key.split(".")
                for text in texts:
                    formset.forms[filled[int(index)][0]].add_error(field, text)
            else:
                formset.non_form_errors().extend(texts)
        if error.message:
            formset.non_form_errors().append(str(error.message))
        return formset, False
    return formset, True


def save_payment(project, user, data):
    instalments = list(project.instalments.all())
    form = PaymentForm(data, prefix="payment", instalments=instalments)
    if not form.is_valid():
        return form, False
    values = dict(form.cleaned_data)
    chosen = values.pop("instalment")
    instalment = next(item for item in instalments if item.pk == chosen)
    try:
        payments.record_payment(instalment, actor=user, **values)
    except payments.PaymentError as error:
        for field, texts in error.problems.items():
            for text in texts:
                form.add_error(None if field == "__all__" else field, text)
        if error.message:
            form.add_error(None, str(error.message))
        return form, False
    return form, True


MONEY = {"schedule": save_schedule, "payment": save_payment}
MONEY_DONE = {
    "schedule": gettext_lazy("The payment schedule is saved."),
    "payment": gettext_lazy("The payment is recorded."),
}


def moves_for(project, user, bound):
    """[(action, form, button, style)] of the moves `user` may make now: the table and its rules."""
    if not user.has_perm("projects.see_projects"):
        return []
    found = []
    for action in BUTTONS:
        # A refused move stays on the page with its error beside it.
        if action in bound or refusal(project, action, user, services.PROJECT) is None:
            form = bound.get(action) or STEPS[action][0](prefix=action)
            style = "btn-outline-danger" if action in STOPPING else "btn-primary"
            found.append((action, form, BUTTONS[action], style))
    return found


def carrier_form(project, user, bound):
    if not user.has_perm("projects.set_carrier", project):
        return None
    return bound.get("carrier") or new_carrier_form(project)


def new_carrier_form(project, data=None):
    """The carrier form, its carrier shown but not changeable once the agreement is signed or
    being signed (services.carrier_is_fixed)."""
    return CarrierForm(
        data,
        prefix="carrier",
        initial={
            "carrier": project.carrier_id,
            "finance_contact_name": project.finance_contact_name,
            "finance_contact_email": project.finance_contact_email,
        },
        carrier_fixed=services.carrier_is_fixed(project),
    )
