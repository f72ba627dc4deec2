"""The amendments section of the project page: the lead (or staff) asks, staff accept or refuse,
whoever may read the attachment downloads it. Each view parses, calls one service of
projects.amendments and goes back to the page; a refusal shows the page again with the draft
and its errors beside the fields. Whoever may not read the project gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.reauthentication import recent_authentication_required
from common.files import stored_file
from common.transitions import refusal

from . import amendments, views
from .access import back_to, project_for
from .forms_amendments import AmendmentForm, DecideAmendmentForm
from .models import Amendment

SECTION = "amendments"


@login_required
@require_POST
def ask_amendment(request, pk):
    project = project_for(request, pk)
    form = AmendmentForm(request.POST, request.FILES, prefix="amendment")
    if form.is_valid():
        try:
            amendments.ask_amendment(project, request.user, **form.values())
        except amendments.AmendmentError as error:
            form.add_problems(error.problems)
            if error.message:
                form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The amendment is asked; staff will answer it."))
            return back_to(project, SECTION)
    return views.render_page(request, project, {"amendment": form}, status=400)


@login_required
@recent_authentication_required  # accepting a give-back lowers a decision's grant
@require_POST
def decide_amendment(request, pk, amendment_pk):
    project = project_for(request, pk)
    if not request.user.has_perm("projects.see_projects"):
        raise Http404
    amendment = get_object_or_404(Amendment, pk=amendment_pk, project=project)
    amendment.project = project
    if request.POST.get("decision") not in ("accept", "refuse"):
        return HttpResponseBadRequest()
    prefix = decide_prefix(amendment)
    form = DecideAmendmentForm(request.POST, prefix=prefix)
    accept = request.POST.get("decision") == "accept"
    if form.is_valid():
        decide = amendments.accept_amendment if accept else amendments.refuse_amendment
        try:
            decide(amendment, request.user, form.cleaned_data["reason"])
        except amendments.AmendmentError as error:
            for field, texts in error.problems.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
            if error.message:
                form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("The amendment is accepted.") if accept else _("The amendment is refused."),
            )
            return back_to(project, SECTION)
    return views.render_page(request, project, {prefix: form}, status=400)


@login_required
def amendment_file(request, pk, amendment_pk):
    project = project_for(request, pk)
    if not request.user.has_perm("projects.read_amendment_files", project):
        raise Http404
    amendment = get_object_or_404(Amendment, pk=amendment_pk, project=project)
    if not amendment.attachment:
        raise Http404
    return stored_file(amendment.attachment, amendment.attachment_name, amendment.attachment_type)


# What the project page shows


def decide_prefix(amendment):
    return f"decide-{amendment.pk}"


def section(project, user, bound):
    """The context of the amendments section: the list, with a decision form beside each open
    amendment staff may decide now, the form to ask one, and whether the attachments are
    offered. A fixed number of queries whatever the number of amendments."""
    listed = amendments.amendments_of(project)
    for amendment in listed:
        prefix = decide_prefix(amendment)
        may_decide = prefix in bound or (
            amendment.is_open
            and refusal(amendment, "accept_amendment", user, amendments.AMENDMENT) is None
        )
        amendment.decide_form = (
            bound.get(prefix) or DecideAmendmentForm(prefix=prefix) if may_decide else None
        )
    form = bound.get("amendment")
    if form is None and user.has_perm("projects.ask_amendment", project):
        form = AmendmentForm(prefix="amendment")
    application = project.application
    invites = user.has_perm("applications.invite_team_member", application)
    return {
        "amendments": listed,
        "amendment_form": form,
        "reads_amendment_files": user.has_perm("projects.read_amendment_files", project),
        # Where the lead invites a member after a team change (staff have no such form).
        "team_url": reverse("applications:edit", args=[application.pk]) + "#team"
        if invites
        else "",
    }
