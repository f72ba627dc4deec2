"""The registry of report kinds: every kind has its entry, and through it each kind is asked for
on its page, built into a PDF that says what it is about, listed, and made by the command."""

import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from reports.governance import ReportSubjectMissing, build_document
from reports.governance.jobs import request_report
from reports.governance.registry import REPORT_TYPES, report_type
from reports.models import Report, ReportKind, ReportState

from .factories import CallFactory, in_review_application

pytestmark = pytest.mark.django_db

KINDS = list(ReportKind)


@pytest.fixture(autouse=True)
def in_english(french_by_default):
    translation.activate("en")


@pytest.fixture
def call():
    call = CallFactory(closed=True, title_en="Heritage call", title_fr="Appel patrimoine")
    in_review_application(call)
    return call


def year_of(call):
    return timezone.localtime(call.closes_at).year


def pdf_text(pdf):
    """The PDF's text as pdftotext (poppler) reads it, spaces made plain."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def ask_on_its_page(client, kind, call):
    """Ask for a report of `kind` on the page that offers it, as a person would."""
    entry = report_type(kind)
    if entry.needs_call:
        url = reverse("reports:call_reports", args=[call.slug])
        data = {"kind": kind.value, "language": "en"}
    else:
        url = reverse("reports:programme_reports")
        data = {"kind": kind.value, "programme": call.programme.pk, "year": year_of(call)}
        data["language"] = "en"
    return url, client.post(url, data)


def test_every_kind_has_an_entry_and_a_page_that_offers_it():
    assert set(REPORT_TYPES) == set(ReportKind)
    for kind, entry in REPORT_TYPES.items():
        # About a call, or about programmes (one or every one) and a year (or every year).
        assert entry.needs_call != entry.about_programmes, kind
        assert not (entry.needs_call and entry.needs_year), kind
        assert entry.file_prefix and entry.template.startswith("reports/pdf/")
        # What a report shows of dossiers depends on its reader only when it is about a call.
        assert entry.needs_call or not entry.built_for_reader


def test_an_unknown_kind_is_refused():
    with pytest.raises(ReportSubjectMissing, match="unknown report kind 'minutes'"):
        report_type("minutes")


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_asked_for_built_and_listed(
    kind, client, call, programme_manager, django_capture_on_commit_callbacks
):
    entry = REPORT_TYPES[kind]
    client.force_login(programme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        page_url, response = ask_on_its_page(client, kind, call)

    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.kind, report.state, report.language) == (kind, ReportState.DONE, "en")
    assert report.download_name().startswith(f"{entry.file_prefix}-")
    text = pdf_text(report.file.read())
    assert "CollEx-Persée" in text
    if entry.needs_call:
        assert "Heritage call" in text
        assert report.download_name().startswith(f"{entry.file_prefix}-{call.slug}-en-")
    if entry.about_programmes:
        assert str(year_of(call)) in text
        assert report.subject == f"{call.programme} – {year_of(call)}"
        assert report.download_name().startswith(
            f"{entry.file_prefix}-{call.programme.code}-{year_of(call)}-en-"
        )

    listing = client.get(page_url)
    assert report in listing.context["reports"]
    page = listing.content.decode()
    assert reverse("reports:download", args=[report.pk]) in page
    # A call's page lists that call's reports: only the others name their subject.
    assert (
        f'<span class="d-block small">{report.subject}</span>' in page
    ) == entry.about_programmes


NEEDING_SOMETHING = [
    kind for kind in KINDS if REPORT_TYPES[kind].needs_call or REPORT_TYPES[kind].needs_year
]


@pytest.mark.parametrize("kind", NEEDING_SOMETHING)
def test_a_kind_is_not_asked_for_without_what_it_needs(kind, programme_manager):
    with pytest.raises(ReportSubjectMissing):
        request_report(programme_manager, kind, language="fr")
    with pytest.raises(ReportSubjectMissing):
        build_document(kind)
    assert not Report.objects.exists()


def test_the_funded_projects_report_needs_nothing(programme_manager):
    """Every programme, every year: what the members' council follows."""
    assert ReportKind.PROJECTS not in NEEDING_SOMETHING
    report = request_report(programme_manager, ReportKind.PROJECTS, language="fr")
    assert (report.programme, report.year, report.subject) == (
        None,
        None,
        "Every programme – every year",
    )
    assert "Rapport des projets financés" in pdf_text(build_document(ReportKind.PROJECTS).pdf)


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_takes_each_kinds_arguments(kind, call, tmp_path, capsys):
    entry = REPORT_TYPES[kind]
    target = tmp_path / f"{kind}.pdf"
    subject = call.slug if entry.needs_call else call.programme.code
    options = {"year": year_of(call)} if entry.needs_year else {}

    call_command("governance_report", kind.value, subject, out=str(target), **options)

    assert "pages" in capsys.readouterr().out
    assert "CollEx-Persée" in pdf_text(target.read_bytes())


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_says_which_argument_is_missing(kind, call, tmp_path):
    entry = REPORT_TYPES[kind]
    target = str(tmp_path / "report.pdf")
    with pytest.raises(CommandError, match="required: subject"):
        call_command("governance_report", kind.value, out=target)
    if entry.needs_year:
        with pytest.raises(CommandError, match=f"A {kind.value} report needs --year YYYY"):
            call_command("governance_report", kind.value, call.programme.code, out=target)
    if entry.needs_call:
        with pytest.raises(CommandError, match="No call with the slug 'nowhere'"):
            call_command("governance_report", kind.value, "nowhere", out=target)
    assert not (tmp_path / "report.pdf").exists()


def test_the_command_refuses_an_unknown_kind(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'minutes'"):
        call_command("governance_report", "minutes", "x", out=str(tmp_path / "r.pdf"))
