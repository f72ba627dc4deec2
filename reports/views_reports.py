"""Governance report pages: a call's reports, the programme and year reports, a report's progress
and its download. Staff and council members only (reports.rules); anyone else gets a 404."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import is_programme_staff
from calls.models import Call, Programme
from common.files import stored_file
from common.formats import PARIS
from decisions.budget import closing_year

from .governance.jobs import request_report
from .governance.registry import kinds_about_a_call, kinds_about_programmes, report_type
from .models import Report
from .rules import report_or_404

REQUEST = "reports.request_reports"
READ = "reports.open_report"
LISTED = 100  # the latest reports a page lists


class ReportRequestForm(forms.Form):
    """Asks for one of the kinds of report that a page offers (`kinds`, from the registry): a
    choice when there are several; with one, nothing to choose."""

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        if len(kinds) > 1:
            self.fields["kind"] = forms.ChoiceField(
                label=_("Report"),
                choices=[(kind, kind.label) for kind in kinds],
                widget=forms.RadioSelect,
            )
            self.order_fields(["kind"])

    def kind(self):
        return self.cleaned_data.get("kind", self.kinds[0])


class CallReportForm(ReportRequestForm):
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kinds=kinds_about_a_call(), **kwargs)


class ProgrammeReportForm(ReportRequestForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        required=False,
        empty_label=_("Every programme"),
    )
    # Required by the kinds that need a year (clean): the projects report may cover every year.
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("The year the calls closed; every year only for the funded projects report."),
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kinds=kinds_about_programmes(), **kwargs)
        years = set(
            Call.objects.annotate(closing_year=closing_year())
            .values_list("closing_year", flat=True)
            .distinct()
        )
        this_year = timezone.localtime(timezone.now(), PARIS).year
        years.add(this_year)
        self.fields["year"].initial = this_year
        self.fields["year"].choices = [("", _("Every year"))] + [
            (year, year) for year in sorted(years, reverse=True)
        ]

    def clean(self):
        data = super().clean()
        if report_type(self.kind()).needs_year and data.get("year") is None:
            self.add_error("year", _("Choose a year for this report."))
        return data


def readable(user, reports):
    return [report for report in reports if user.has_perm(READ, report)]


@login_required
@require_http_methods(["GET", "POST"])
def call_reports(request, slug):
    call = get_object_or_404(Call.objects.select_related("programme"), slug=slug)
    if not request.user.has_perm(REQUEST):
        raise Http404
    initial = {"kind": kinds_about_a_call()[0], "language": get_language()}
    form = CallReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        report = request_report(
            request.user,
            form.kind(),
            call=call,
            language=form.cleaned_data["language"],
        )
        return redirect("reports:progress", report.pk)
    reports = call.reports.select_related("call", "requested_by")[:LISTED]
    return render(
        request,
        "reports/call_reports.html",
        {"call": call, "form": form, "reports": readable(request.user, reports)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_reports(request):
    if not request.user.has_perm(REQUEST):
        raise Http404
    initial = {"kind": kinds_about_programmes()[0], "language": get_language()}
    form = ProgrammeReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = request_report(
            request.user,
            form.kind(),
            programme=data["programme"],
            year=data["year"],
            language=data["language"],
        )
        return redirect("reports:progress", report.pk)
    reports = Report.objects.filter(kind__in=kinds_about_programmes()).select_related(
        "programme", "requested_by"
    )[:LISTED]
    return render(
        request,
        "reports/programme_reports.html",
        {"form": form, "reports": list(reports)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def progress(request, pk):
    report = report_or_404(request.user, pk)
    return render(
        request,
        "reports/progress.html",
        {"report": report, "show_error": is_programme_staff(request.user)},
    )


@login_required
@require_GET
def download(request, pk):
    report = report_or_404(request.user, pk)
    if not report.is_done or not report.file:
        raise Http404
    return stored_file(report.file, report.download_name(), "application/pdf")
