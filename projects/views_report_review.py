"""Staff's pages of project reports: the list of every project's reports (filtered by state,
lateness, programme and call) and the review of one report, where staff read its latest
submission and accept it or ask for changes. Anyone who is not programme staff gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.models import BudgetCategory
from applications.snapshot import submitted_sections
from calls.models import Call, Programme
from common.transitions import refusal

from . import report_review
from .forms_report_review import AcceptForm, ChangesForm, ReportFilterForm
from .models import ProjectReport
from .reports import REPORT, ReportError, is_late

PER_PAGE = 100

DONE = {
    "accept": gettext_lazy("The report is accepted; the lead and the team are told."),
    "ask_changes": gettext_lazy("Changes are asked; the lead and the team are told."),
}


def require_staff(request):
    if not request.user.has_perm("projects.see_reports"):
        raise Http404


@login_required
def report_list(request):
    require_staff(request)
    filters = ReportFilterForm(
        request.GET or None,
        programmes=Programme.objects.order_by("position", "code"),
        calls=Call.objects.filter(applications__decision__project__isnull=False)
        .distinct()
        .order_by("-closes_at", "pk"),
    )
    today = timezone.localdate()
    page = Paginator(
        report_review.reports_for_staff(today=today, **filters.filters()), PER_PAGE
    ).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.days_late = (today - report.due_on).days if is_late(report, today) else None
    return render(
        request,
        "projects/staff_reports/list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "reports": page.object_list,
            "filters": filters,
        },
    )


@login_required
def review_report(request, pk):
    require_staff(request)
    report = get_object_or_404(
        ProjectReport.objects.select_related(
            "project__decision__application__call__programme",
            "project__decision__application__lead",
            "reviewed_by",
        ),
        pk=pk,
    )
    changeable = report_review.changeable(report)
    forms = {}
    if request.method == "POST":
        step = request.POST.get("step")
        if step not in DONE:
            raise Http404
        form = (
            AcceptForm(request.POST, prefix="accept")
            if step == "accept"
            else ChangesForm(request.POST, prefix="changes", changeable=changeable)
        )
        if form.is_valid() and review(report, request.user, step, form):
            messages.success(request, DONE[step])
            return redirect("projects:review_report", pk=report.pk)
        forms[step] = form
    return render(
        request,
        "projects/staff_reports/review.html",
        page_context(report, request.user, forms, changeable),
        status=400 if forms else 200,
    )


def page_context(report, user, forms, changeable):
    submission = report.submissions.order_by("-number").first()
    # The forms while the table and the rule allow a review (a refused one stays, with its error).
    reviews = bool(forms) or refusal(report, "accept", user, REPORT) is None
    return {
        "report": report,
        "project": report.project,
        "application": report.project.decision.application,
        "submission": submission,
        **read(report, submission),
        "changes_on": [label for key, label in changeable if key in report.changes_on],
        "accept_form": forms.get("accept") or AcceptForm(prefix="accept") if reviews else None,
        "changes_form": forms.get("ask_changes")
        or ChangesForm(prefix="changes", changeable=changeable)
        if reviews
        else None,
    }


def review(report, user, step, form):
    """Accept or ask for changes; True when done, else the refusal is beside its field."""
    try:
        if step == "accept":
            report_review.accept_report(
                report,
                user,
                form.cleaned_data["comment"],
                submission_number=form.cleaned_data["submission_number"],
            )
        else:
            report_review.ask_for_changes(report, user, **form.cleaned_data)
    except ReportError as error:
        for field, texts in error.problems.items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
        if error.message or not error.problems:
            form.add_error(None, str(error))
        return False
    return True


def read(report, submission):
    """The latest submission as received: its answers by section, each file with the address
    of its permission-checked download, and, for a financial statement, its spending per
    budget category."""
    if submission is None:
        return {"sections": [], "spending": []}
    content = submission.content
    files = {}
    for attachment in downloadable(report, content.get("attachments") or []):
        files.setdefault(attachment.get("question_id"), []).append(attachment)
    labels = dict(BudgetCategory.choices)
    return {
        "sections": submitted_sections(content, files),
        "spending": [
            {**row, "label": labels.get(row.get("category"), row.get("category"))}
            for row in content.get("spending") or []
        ],
    }


def downloadable(report, attachments):
    """The submission's files, each with the `url` of the report's file of the same question
    and content (its fingerprint), or without one when the lead replaced it since (a report
    sent back for changes): staff download exactly what was submitted, or nothing."""
    if not attachments:
        return []
    stored = {
        (attachment.question_id, attachment.sha256): attachment.pk
        for attachment in report.attachments.all()
    }
    found = []
    for attachment in attachments:
        pk = stored.get((attachment.get("question_id"), attachment.get("sha256")))
        url = reverse("projects:report_file", args=[report.project_id, report.pk, pk]) if pk else ""
        found.append({**attachment, "url": url})
    return found
