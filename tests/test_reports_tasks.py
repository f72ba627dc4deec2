"""The report task (progress, failure kept with its error) and the governance_report command."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import Message
from reports.governance import build_document
from reports.governance.jobs import request_report
from reports.models import Report, ReportKind, ReportState
from reports.tasks import build_report

from .factories import CallFactory, ProgrammeFactory, UserFactory, in_review_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = CallFactory(closed=True, title_fr="Appel à projets – Évaluation")
    in_review_application(call)
    return call


def test_the_task_is_registered_for_the_workers():
    from config.celery import app

    app.loader.import_default_modules()
    assert "reports.tasks.build_report" in app.tasks


def test_a_build_tells_its_progress(call):
    steps = []
    document = build_document("call", call=call, progress=steps.append)
    assert steps == [30, 40, 85]
    assert document.pdf.startswith(b"%PDF") and document.pages >= 3


def test_the_task_builds_a_queued_report_once(call, programme_manager):
    report = Report.objects.create(
        kind=ReportKind.DOSSIERS, call=call, language="en", requested_by=programme_manager
    )
    assert build_report.delay(report.pk).get() == "done"
    report.refresh_from_db()
    assert (report.state, report.progress, report.error) == (ReportState.DONE, 100, "")
    assert report.started_at <= report.finished_at
    assert PdfReader(report.file.open("rb")).pages
    name = report.file.name
    # Delivered again (a worker died after the build): nothing is built twice.
    assert build_report.delay(report.pk).get() == "skipped"
    report.refresh_from_db()
    assert report.file.name == name
    assert Message.objects.filter(event="report_ready", user=programme_manager).count() == 1


def test_a_failed_build_is_recorded_and_loses_nothing(
    call, programme_manager, monkeypatch, django_capture_on_commit_callbacks
):
    earlier = Report.objects.create(
        kind=ReportKind.CALL,
        call=call,
        language="fr",
        state=ReportState.DONE,
        progress=100,
        data_date=timezone.now(),
    )
    earlier.file.save("report.pdf", ContentFile(b"%PDF-1.7 earlier"), save=True)

    def out_of_memory(self, *args, **kwargs):
        raise MemoryError("WeasyPrint ran out of memory")

    monkeypatch.setattr("weasyprint.HTML.render", out_of_memory)
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(programme_manager, ReportKind.CALL, call=call, language="fr")

    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error == "MemoryError: WeasyPrint ran out of memory"
    assert report.progress == 40  # the data were read, the layout failed
    assert report.finished_at is not None and not report.file
    earlier.refresh_from_db()
    assert earlier.is_done and earlier.file.read() == b"%PDF-1.7 earlier"
    assert not Message.objects.filter(event="report_ready").exists()

    # Asked again once the cause is gone, it is built.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = request_report(programme_manager, ReportKind.CALL, call=call, language="fr")
    again.refresh_from_db()
    assert again.pk != report.pk and again.state == ReportState.DONE


def test_the_command_writes_each_report(call, tmp_path):
    out = io.StringIO()
    for kind, subject, options in [
        ("call", call.slug, {}),
        ("dossiers", call.slug, {"language": "en"}),
        ("programme", call.programme.code, {"year": call.closes_at.year}),
        ("programme", "all", {"year": call.closes_at.year}),
    ]:
        target = tmp_path / f"{kind}-{subject}.pdf"
        call_command("governance_report", kind, subject, out=str(target), stdout=out, **options)
        reader = PdfReader(target)
        assert len(reader.pages) >= 3
        assert "CollEx-Persée" in reader.pages[0].extract_text()
    assert "pages" in out.getvalue()


def test_the_command_names_what_it_cannot_find(call, tmp_path):
    ProgrammeFactory(code="archives")
    target = str(tmp_path / "report.pdf")
    with pytest.raises(CommandError, match="No call with the slug 'nowhere'"):
        call_command("governance_report", "call", "nowhere", out=target)
    with pytest.raises(CommandError, match="No call with the slug"):
        call_command("governance_report", "dossiers", "nowhere", out=target)
    with pytest.raises(CommandError, match=r"No programme with the code 'none'.*archives"):
        call_command("governance_report", "programme", "none", year=2026, out=target)
    with pytest.raises(CommandError, match="needs --year"):
        call_command("governance_report", "programme", "archives", out=target)
    with pytest.raises(CommandError, match="No such folder"):
        call_command("governance_report", "call", call.slug, out="/nonexistent/dir/r.pdf")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_report_after_the_commit(celery_worker):
    """With a broker (CI on PostgreSQL): the worker reads the committed row, records its
    progress and stores the PDF; the page that asked is not kept waiting. (The requester needs
    no role here: a transactional test before this one may have flushed the roles' groups.)"""
    import time

    from django.db import transaction

    requester = UserFactory()
    call = CallFactory(closed=True)
    in_review_application(call)
    with transaction.atomic():
        report = request_report(requester, ReportKind.CALL, call=call, language="en")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if not report.is_unfinished:
            break
        time.sleep(0.2)
    assert report.state == ReportState.DONE, report.error
    assert PdfReader(report.file.open("rb")).pages


def test_reports_whose_task_was_lost_or_whose_worker_died_are_marked_failed(
    call, programme_manager, client, django_capture_on_commit_callbacks
):
    from reports.tasks import fail_stalled_reports

    now = timezone.now()
    hour = timezone.timedelta(hours=1)

    def report(state, created, started=None):
        made = Report.objects.create(
            kind=ReportKind.CALL,
            call=call,
            language="fr",
            requested_by=programme_manager,
            state=state,
            started_at=started,
        )
        Report.objects.filter(pk=made.pk).update(created_at=created)
        return made

    lost = report(ReportState.QUEUED, now - 2 * hour)
    waiting = report(ReportState.QUEUED, now - timezone.timedelta(minutes=5))
    dead = report(ReportState.RUNNING, now - 2 * hour, started=now - hour)
    building = report(ReportState.RUNNING, now - hour, started=now - timezone.timedelta(minutes=10))

    assert fail_stalled_reports.delay().get() == 2

    states = dict(Report.objects.values_list("pk", "state"))
    assert states[lost.pk] == states[dead.pk] == ReportState.FAILED
    assert states[waiting.pk] == ReportState.QUEUED and states[building.pk] == ReportState.RUNNING
    # The person who asked reads that it failed and may ask again; staff read why.
    client.force_login(programme_manager)
    page = client.get(reverse("reports:progress", args=[lost.pk])).content.decode()
    assert "Demandez-le à nouveau" in page
    assert "no worker started the build within 60 minutes" in page
    with django_capture_on_commit_callbacks(execute=True):
        again = request_report(programme_manager, ReportKind.CALL, call=call, language="fr")
    assert again.pk not in (lost.pk, dead.pk)
    # A lost task that shows up after all still builds the report.
    assert build_report.delay(lost.pk).get() == "done"


def test_the_stalled_report_sweep_runs_every_few_minutes():
    from django.conf import settings

    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["reports.tasks.fail_stalled_reports"] <= 10 * 60
