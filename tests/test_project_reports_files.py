"""A report's files after staff asked for changes (issue 18): replacing or removing a file
that a submission holds only takes it out of the draft; the stored file stays, downloadable
through the report's rule by the team and staff, so what was submitted can still be read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import ProjectReport, ReportAttachment, ReportState
from projects.reports import save_report_draft, submit_report

from .factories import CallFactory, CallReportFactory, report_question, support_letter_question
from .test_project_reports_pages import PDF, funded_project, page_of

SECOND = PDF + b"% corrected\n"


@pytest.fixture
def report(db, programme_manager):
    call = CallFactory(closed=True)
    CallReportFactory(
        call=call,
        kind="interim",
        title_fr="Rapport à mi-parcours",
        due_months=12,
        questions=[report_question(), support_letter_question("q-annex")],
    )
    project = funded_project(call, programme_manager)
    return project.reports.get(kind="interim")


def upload(client, report, content, name):
    report.refresh_from_db()
    url = reverse("projects:upload_report_file", args=[report.project_id, report.pk, "q-annex"])
    return client.post(url, {"version": report.version, "file": SimpleUploadedFile(name, content)})


def file_url(report, attachment):
    return reverse("projects:report_file", args=[report.project_id, report.pk, attachment.pk])


def listed(client, report):
    """The files the report's page lists in its draft (their download addresses)."""
    page = client.get(page_of(report)).content.decode()
    return [
        file_url(report, attachment)
        for attachment in ReportAttachment.objects.filter(report=report)
        if f'href="{file_url(report, attachment)}"' in page
    ]


def download(client, report, attachment):
    response = client.get(file_url(report, attachment))
    return b"".join(response.streaming_content) if response.status_code == 200 else None


@pytest.fixture
def sent_back(client, report):
    """The report submitted with "premier.pdf", then sent back for changes."""
    lead = report.project.decision.application.lead
    client.force_login(lead)
    upload(client, report, PDF, "premier.pdf")
    report.refresh_from_db()
    save_report_draft(report, report.version, actor=lead, answers={"q-summary": "Fait."})
    submit_report(report, lead)
    ProjectReport.objects.filter(pk=report.pk).update(state=ReportState.CHANGES_REQUESTED)
    report.refresh_from_db()
    return report.attachments.get()


def test_a_submitted_file_replaced_after_changes_asked_stays_downloadable(
    client, report, sent_back, programme_manager
):
    upload(client, report, SECOND, "corrige.pdf")
    second = report.attachments.exclude(pk=sent_back.pk).get()
    assert second.original_name == "corrige.pdf"
    assert listed(client, report) == [file_url(report, second)]
    first = ReportAttachment.objects.get(pk=sent_back.pk)
    assert first.file.storage.exists(first.file.name)
    assert download(client, report, first) == PDF
    client.force_login(programme_manager)
    assert download(client, report, first) == PDF
    submission = submit_report(report, report.project.decision.application.lead)
    assert [file["name"] for file in submission.content["attachments"]] == ["corrige.pdf"]


def test_a_submitted_file_removed_after_changes_asked_stays_downloadable(client, report, sent_back):
    report.refresh_from_db()
    url = reverse("projects:remove_report_file", args=[report.project_id, report.pk, sent_back.pk])
    client.post(url, {"version": report.version})
    assert listed(client, report) == []
    assert download(client, report, sent_back) == PDF


def test_a_file_never_submitted_is_deleted_when_replaced(client, report):
    client.force_login(report.project.decision.application.lead)
    upload(client, report, PDF, "brouillon.pdf")
    draft = report.attachments.get()
    upload(client, report, SECOND, "corrige.pdf")
    assert not ReportAttachment.objects.filter(pk=draft.pk).exists()
    assert [attachment.original_name for attachment in report.attachments.all()] == ["corrige.pdf"]
