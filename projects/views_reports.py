"""The reports a project owes, on the lead's side: the report's page (its draft form with
autosave, or its content once it can no longer change), its submission, its receipts and its
files, and the reports section of the project page. Each view finds the report through the rule
it needs (a 404 for whoever may not read it), calls one service of projects.reports, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.forms import readable_answers
from applications.throttle import throttled
from common.errors import Refused
from common.files import private_content, stored_file
from common.formats import PARIS, money_or_dash

from . import report_files, report_spending, reports
from .access import project_for
from .forms_reports import ReportForms, spending_field
from .report_receipts import receipt_filename, render_receipt

READ = "projects.read_report"
# The session key of a file refused by its own form: {question id: [message]}, shown once beside
# the file field when the report's page comes back (as applications.forms.REFUSED_FILE does).
REFUSED_REPORT_FILE = "refused_report_file"


def report_for(request, pk, report_pk):
    """The report `report_pk` of project `pk`, with its project as its rules read it; a 404 for
    whoever may not read the report."""
    project = project_for(request, pk)
    report = get_object_or_404(project.reports, pk=report_pk)
    report.project = project
    if not request.user.has_perm(READ, report):
        raise Http404
    return report


def page_url(report):
    return reverse("projects:report", args=[report.project_id, report.pk])


def is_fetch(request):
    return request.headers.get("X-Requested-With") == "fetch"


def writes(request, report):
    return request.user.has_perm(reports.WRITE, report)


def clock(moment):
    return timezone.localtime(moment, PARIS).strftime("%H:%M")


# The report's page


@login_required
def report_page(request, pk, report_pk):
    report = report_for(request, pk, report_pk)
    if request.method != "POST":
        return render_page(request, report)
    if not writes(request, report):
        return refuse(request, report, reports.why_not_writable(report, request.user))
    parts = ReportForms(report, request.POST)
    saved = save_page(request, report, parts)
    if not isinstance(saved, int):
        return saved
    saved_at = clock(report.updated_at)
    if is_fetch(request):
        return JsonResponse({"version": saved, "saved_at": saved_at, "warning": ""})
    messages.success(request, _("Draft saved at %(time)s.") % {"time": saved_at})
    return redirect(page_url(report))


def save_page(request, report, parts):
    """Save what the page holds; returns the new version, or the response that says why not."""
    form = parts.form
    if not form.is_valid():
        if "version" in form.errors:
            message = _("The form was incomplete. Reload the page and try again.")
        else:
            message = _("The draft was not saved: correct the fields marked below.")
        return answer_error(request, report, parts, message, status=400)
    try:
        return reports.save_report_draft(
            report,
            form.cleaned_data["version"],
            actor=request.user,
            answers={**report.answers, **form.answers()},
            spending=form.spent(),
        )
    except reports.StaleReport as error:
        return answer_error(request, report, parts, str(error), status=409)
    except reports.ReportError as error:
        return refuse(request, report, str(error))


def answer_error(request, report, parts, message, status):
    if is_fetch(request):
        return JsonResponse({"error": message}, status=status)
    return render_page(request, report, parts, error=message, status=status)


def refuse(request, report, message):
    if is_fetch(request):
        return JsonResponse({"error": message}, status=409)
    messages.error(request, message)
    return redirect(page_url(report))


@login_required
@require_POST
@throttled("submit")
def submit(request, pk, report_pk):
    """The page's Submit button saves the page, then submits what was saved."""
    now = timezone.now()
    report = report_for(request, pk, report_pk)
    if "version" in request.POST and writes(request, report):
        saved = save_page(request, report, ReportForms(report, request.POST))
        if not isinstance(saved, int):
            return saved
    try:
        submission = reports.submit_report(report, request.user, now=now)
    except reports.ReportRefused as refused:
        report.refresh_from_db()
        return render_page(request, report, problems=refused.problems, status=400)
    except reports.ReportError as error:
        messages.error(request, str(error))
        return redirect(page_url(report))
    received = timezone.localtime(submission.received_at, PARIS)
    messages.success(
        request,
        _("The report was received on %(date)s at %(time)s (Paris time).")
        % {
            "date": formats.date_format(received, "DATE_FORMAT"),
            "time": received.strftime("%H:%M:%S"),
        },
    )
    return redirect(page_url(report))


def render_page(request, report, parts=None, *, error="", problems=None, status=200):
    """The draft form when the report can be changed, its content read-only otherwise."""
    editable = writes(request, report)
    parts = parts or ReportForms(report)
    report.late = reports.is_late(report)  # the state badge's
    summary = parts.show_problems(problems or {})
    # A file refused by its own form comes back once, beside its field.
    summary += parts.show_problems(request.session.pop(REFUSED_REPORT_FILE, {}))
    form = parts.form
    budget = (
        report_spending.granted_budget(report.project) if reports.has_spending(report) else None
    )
    rows = report_spending.spending_rows(report, budget=budget) if budget else []
    totals = report_spending.spending_totals(rows)
    for row in [*rows, totals]:
        row["field"] = (
            form[spending_field(row["category"])] if editable and row is not totals else None
        )
        row["granted"], row["spent"] = money_or_dash(row["granted"]), money_or_dash(row["spent"])
        row["remaining"] = money_or_dash(row["remaining"])
    context = {
        "report": report,
        "project": report.project,
        "application": report.project.decision.application,
        "parts": parts,
        "editable": editable,
        "error": error,
        "problems": summary,
        "submission_refused": bool(problems),
        "spending": rows,
        "spending_totals": totals,
        "granted_note": budget.note if budget else "",
        "submissions": report.submissions.all(),
        "changes_asked": parts.changes_asked,
    }
    if not editable:
        context["answers"] = readable_answers(form)
    return render(request, "projects/reports/report.html", context, status=status)


# Receipts and files


@login_required
@require_GET
def receipt(request, pk, report_pk, number):
    report = report_for(request, pk, report_pk)
    submission = get_object_or_404(report.submissions, number=number)
    submission.report = report
    pdf = render_receipt(submission, get_language())
    return private_content(pdf, receipt_filename(submission), "application/pdf")


@login_required
@require_GET
def report_file(request, pk, report_pk, attachment_pk):
    report = report_for(request, pk, report_pk)
    attachment = get_object_or_404(report.attachments, pk=attachment_pk)
    return stored_file(attachment.file, attachment.original_name, attachment.content_type)


def posted_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def after_file(request, report, question_id, *, error=None, success=None):
    """Back to the question with a message: a refused file beside its own field, which the
    page focuses (a report that can no longer be changed has no file field: at the top)."""
    if error and writes(request, report) and question_id in report_files.file_questions(report):
        request.session[REFUSED_REPORT_FILE] = {question_id: [error]}
    elif error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(f"{page_url(report)}#question-{question_id}")


@login_required
@require_POST
@throttled("upload")
def upload(request, pk, report_pk, question_id):
    report = report_for(request, pk, report_pk)
    version = posted_version(request)
    if version is None:
        return after_file(request, report, question_id, error=_("Reload the page and try again."))
    try:
        attachment = report_files.add_report_file(
            report, question_id, request.FILES.get("file"), request.user, version
        )
    except Refused as error:
        return after_file(request, report, question_id, error=str(error))
    return after_file(
        request,
        report,
        question_id,
        success=_("“%(name)s” is attached (%(size)s).")
        % {"name": attachment.original_name, "size": filesizeformat(attachment.size)},
    )


@login_required
@require_POST
def remove_file(request, pk, report_pk, attachment_pk):
    report = report_for(request, pk, report_pk)
    attachment = get_object_or_404(report.attachments, pk=attachment_pk)
    version = posted_version(request)
    if version is None:
        return after_file(
            request, report, attachment.question_id, error=_("Reload the page and try again.")
        )
    try:
        report_files.remove_report_file(report, attachment.pk, request.user, version)
    except Refused as error:
        return after_file(request, report, attachment.question_id, error=str(error))
    return after_file(
        request,
        report,
        attachment.question_id,
        success=_("“%(name)s” was removed.") % {"name": attachment.original_name},
    )


# The reports section of the project page


def section(project, user):
    """The project's reports, for whoever may read them (not the council)."""
    if not user.has_perm("projects.read_project_reports", project):
        return {"reports": None}
    owed = list(project.reports.all())
    today = timezone.localdate()
    for report in owed:
        report.project = project
        report.late = reports.is_late(report, today)
    return {"reports": owed}


# On "My applications" (applications.my_page)


def reports_due_section(user):
    """The reports still owed by the live projects `user` leads or whose team they joined, the
    earliest due first, in one query; None when there are none."""
    if not user.is_authenticated:
        return None
    owed = list(reports.owed_by_projects_of(user))
    if not owed:
        return None
    today = timezone.localdate()
    for report in owed:
        report.late = reports.is_late(report, today)
    return "projects/reports/my_reports.html", {"reports": owed}
