"""The agreement section of the project page: staff prepare a (new) version and record each
party's signature; whoever may read the agreement (projects.read_agreement: staff, the lead,
the joined team) downloads each version's PDF and each signed copy. Each view parses, calls one
service of projects.agreements and goes back to the page; a refusal shows the page again with
the errors beside the fields. Anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.files import stored_file

from . import agreements, views
from .access import back_to, project_for
from .agreement_text import pdf_filename
from .forms_agreement import PrepareForm, SignatureForm
from .models import AgreementVersion, Party, ProjectState, Signature

SECTION = "agreement"


def agreement_project(request, pk):
    """The project, if `request.user` may read its agreement; else a 404."""
    return project_for(request, pk, "projects.read_agreement")


def staff_project(request, pk):
    """The project for staff's actions: others get a 404, whatever the project's state (the
    service says what the state allows)."""
    project = agreement_project(request, pk)
    if not request.user.has_perm("projects.see_projects"):
        raise Http404
    return project


@login_required
@require_POST
def prepare_agreement(request, pk):
    project = staff_project(request, pk)
    form = prepare_form(project, request.POST)
    if form.is_valid():
        try:
            version = agreements.prepare_version(project, request.user, **form.values())
        except agreements.AgreementError as error:
            for field, texts in error.problems.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
            if error.message:
                form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Version %(number)s of the agreement is ready.") % {"number": version.number},
            )
            return back_to(project, SECTION)
    return views.render_page(request, project, {"agreement": form}, status=400)


@login_required
@require_POST
def record_signature(request, pk):
    project = staff_project(request, pk)
    form = SignatureForm(request.POST, request.FILES, prefix="signature")
    if form.is_valid():
        values = dict(form.cleaned_data)
        version = project.agreement_versions.filter(number=values.pop("version")).first()
        try:
            if version is None:
                raise agreements.AgreementError(_("This version no longer exists."))
            agreements.record_signature(version, request.user, **values)
        except agreements.AgreementError as error:
            form.add_problems(error.problems)
            if error.message:
                form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The signature is recorded."))
            return back_to(project, SECTION)
    return views.render_page(request, project, {"signature": form}, status=400)


@login_required
def agreement_pdf(request, pk, number):
    project = agreement_project(request, pk)
    version = get_object_or_404(AgreementVersion, project=project, number=number)
    version.project = project
    if not version.pdf:
        raise Http404
    return stored_file(version.pdf, pdf_filename(version), "application/pdf")


@login_required
def signed_copy(request, pk, signature_id):
    project = agreement_project(request, pk)
    signature = get_object_or_404(Signature, pk=signature_id, version__project=project)
    if not signature.signed_copy:
        raise Http404
    return stored_file(signature.signed_copy, signature.original_name, "application/pdf")


# What the project page shows


def prepare_form(project, data=None):
    call = project.application.call
    return PrepareForm(
        data,
        prefix="agreement",
        plans=project.state == ProjectState.AGREEMENT_PREPARATION,
        from_signature=call.duration_from_signature,
        initial={
            "start_date": project.start_date,
            "duration_months": project.duration_months or call.project_duration_months,
        },
    )


def section(project, user, bound):
    """The context of the agreement section: its versions with their signatures, the form to
    prepare one and the form to record a signature on the latest, each for staff when the rule
    allows. A fixed number of queries whatever the number of versions and signatures."""
    if not user.has_perm("projects.read_agreement", project):
        return {"reads_agreement": False}
    versions = list(project.agreement_versions.order_by("number").prefetch_related("signatures"))
    latest = versions[-1] if versions else None
    form = bound.get("agreement")
    if form is None and user.has_perm("projects.prepare_agreement", project):
        form = prepare_form(project)
    signature_form = bound.get("signature")
    signs = (
        signature_form is None
        and latest is not None
        and not latest.is_signed
        and user.has_perm("projects.record_signature", project)
    )
    if signs:
        signed = {signature.party for signature in latest.signatures.all()}
        signature_form = SignatureForm(
            prefix="signature",
            parties=set(Party.values) - signed,
            initial={"version": latest.number},
        )
    return {
        "reads_agreement": True,
        "agreement_versions": versions,
        "latest_version": latest,
        "agreement_form": form,
        "signature_form": signature_form,
    }
