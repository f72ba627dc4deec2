"""`manage.py verify_integrity`: every submission against its fingerprint, every stored file
against its hash; what was tampered with is named, and a restored copy of the database is found
intact (the restore drill of docs/operations.md)."""

import datetime as dt
import hashlib
import importlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from wagtail.documents.models import Document

from applications.attachments import add_attachment
from applications.models import Attachment, Submission
from applications.services import submit_application
from projects import services
from projects.models import (
    AgreementVersion,
    Amendment,
    AmendmentKind,
    Party,
    ReportAttachment,
    ReportSubmission,
    Signature,
)
from projects.report_files import add_report_file
from projects.reports import save_report_draft, submit_report
from reports.models import Report, ReportKind, ReportState

from .factories import (
    ApplicationFactory,
    CallFactory,
    CallReportFactory,
    decided_application,
    report_question,
    support_letter_question,
)
from .reading import verify_integrity
from .test_project_reports_pages import funded_project

pytestmark = pytest.mark.usefixtures("empty_private_folder")

BASE_DIR = Path(settings.BASE_DIR)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nLettre de soutien\n%%EOF\n"


def submitted_with_letter(call, letter=PDF):
    """An application submitted with a support letter, through the services as users do."""
    application = ApplicationFactory(call=call, complete=True)
    add_attachment(
        application,
        "q-letter",
        SimpleUploadedFile("lettre.pdf", letter, content_type="application/pdf"),
        application.lead,
        application.version,
    )
    submit_application(application, application.lead)
    application.refresh_from_db()
    return application


@pytest.fixture
def two_submitted(db):
    call = CallFactory(questions=[support_letter_question()])
    return [submitted_with_letter(call), submitted_with_letter(call, PDF + b"% annexe\n")]


def test_everything_submitted_is_found_intact(two_submitted):
    output, status = verify_integrity()

    assert status == 0
    assert output.strip() == ("Checked 2 submissions and 2 stored files: 0 mismatches, 0 missing.")


def test_a_changed_snapshot_is_named_by_its_reference(two_submitted):
    changed, intact = two_submitted
    submission = Submission.objects.get(application=changed)
    content = {**submission.content, "title": "Un autre titre"}
    Submission.objects.filter(pk=submission.pk).update(content=content)

    output, status = verify_integrity()

    assert status == 1
    assert f"MISMATCH submission {changed.reference} #1" in output
    assert intact.reference not in output
    assert "1 mismatch, 0 missing." in output


def test_a_missing_file_and_a_changed_file_are_listed(two_submitted):
    first, second = two_submitted
    removed = Attachment.objects.get(application=first)
    Path(removed.file.path).unlink()
    changed = Attachment.objects.get(application=second)
    Path(changed.file.path).write_bytes(b"%PDF-1.4\nune autre lettre\n")

    output, status = verify_integrity()

    assert status == 1
    assert f"MISSING attachment {removed.file.name} (lettre.pdf, {first.reference})" in output
    assert f"MISMATCH attachment {changed.file.name} (lettre.pdf, {second.reference})" in output
    assert "Checked 2 submissions and 2 stored files: 1 mismatch, 1 missing." in output


def test_a_report_whose_file_is_gone_is_missing(two_submitted):
    """Reports keep no hash: the command checks that their file is there."""
    call = two_submitted[0].call
    kept, lost = (
        Report.objects.create(
            kind=ReportKind.CALL,
            call=call,
            language="fr",
            state=ReportState.DONE,
            data_date=timezone.now(),
            finished_at=timezone.now(),
        )
        for _ in range(2)
    )
    for report in (kept, lost):
        report.file.save("report.pdf", ContentFile(PDF), save=True)
    Path(lost.file.path).unlink()

    output, status = verify_integrity()

    assert status == 1
    assert f"MISSING report {lost.file.name} (call #{lost.pk})" in output
    assert kept.file.name not in output
    assert "Checked 2 submissions and 4 stored files: 0 mismatches, 1 missing." in output


def test_cms_documents_against_the_hash_wagtail_recorded(db):
    """Public files are restored too: a CMS document changed or gone is listed."""
    changed, lost = (
        Document.objects.create(title=title, file=ContentFile(PDF, name=f"{title}.pdf"))
        for title in ("reglement", "calendrier")
    )
    for document in (changed, lost):
        document._set_file_hash()
        document.save(update_fields=["file_hash"])
    assert verify_integrity() == (
        "Checked 0 submissions and 2 stored files: 0 mismatches, 0 missing.\n",
        0,
    )
    Path(changed.file.path).write_bytes(PDF + b"% autre version\n")
    Path(lost.file.path).unlink()

    output, status = verify_integrity()

    assert status == 1
    assert f"MISMATCH document {changed.file.name} (reglement): recorded" in output
    assert f"MISSING document {lost.file.name} (calendrier)" in output


def verify_in_subprocess(database_url):
    """`manage.py verify_integrity` as an operator runs it, on another database and the same
    files."""
    return subprocess.run(
        [sys.executable, "manage.py", "verify_integrity"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url,
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_postgresql(tmp_path):
    """pg_dump -Fc of a database with submitted applications, pg_restore into a new database:
    verify_integrity finds it intact there."""
    if connection.vendor != "postgresql":
        pytest.skip("The PostgreSQL drill needs DATABASE_URL on PostgreSQL (CI's second run).")
    call = CallFactory(questions=[support_letter_question()])
    submitted_with_letter(call)
    submitted_with_letter(call, PDF + b"% 2\n")
    db = connection.settings_dict
    server = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    server += ["-U", db["USER"]] if db["USER"] else []
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    dump = tmp_path / "collex.dump"
    restored = f"restore_drill_{uuid.uuid4().hex[:12]}"

    def run(*command):
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)

    run("pg_dump", "-Fc", *server, "-f", str(dump), db["NAME"])
    run("createdb", *server, restored)
    try:
        run("pg_restore", "--no-owner", *server, "-d", restored, str(dump))
        user = f"{db['USER']}:{db['PASSWORD'] or ''}@" if db["USER"] else ""
        url = f"postgres://{user}{server[1]}:{server[3]}/{restored}"
        result = verify_in_subprocess(url)
    finally:
        run("dropdb", "--if-exists", *server, restored)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checked 2 submissions and 2 stored files: 0 mismatches, 0 missing." in result.stdout


@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_sqlite(tmp_path):
    """The demo's backup (SQLite's online backup, as `.backup` does) verified on its copy."""
    if connection.vendor != "sqlite":
        pytest.skip("The SQLite drill runs when the suite does on SQLite (the first CI run).")
    call = CallFactory(questions=[support_letter_question()])
    first = submitted_with_letter(call)
    submitted_with_letter(call, PDF + b"% 2\n")
    copy = tmp_path / "backup.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    target.close()

    result = verify_in_subprocess(f"sqlite:///{copy}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checked 2 submissions and 2 stored files: 0 mismatches, 0 missing." in result.stdout

    # The same copy, with the first letter gone from the files: the drill would say so.
    Path(Attachment.objects.get(application=first).file.path).unlink()
    result = verify_in_subprocess(f"sqlite:///{copy}")
    assert result.returncode == 1
    assert "MISSING attachment" in result.stdout
    assert first.reference in result.stdout


def test_an_anonymised_application_is_reported_as_such_not_as_tampered_with(
    two_submitted, django_capture_on_commit_callbacks
):
    """Anonymising a dossier rewrites its snapshot and deletes its files, by design: the
    command says when, and finds nothing wrong."""
    from privacy.anonymise import anonymise_application

    anonymised, intact = two_submitted
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_application(anonymised, rule="not_funded")

    output, status = verify_integrity()

    today = timezone.localdate().isoformat()
    assert status == 0
    assert f"ANONYMISED submission {anonymised.reference} #1 on {today}" in output
    assert "MISSING" not in output and "MISMATCH" not in output
    assert "Checked 2 submissions and 1 stored files: 0 mismatches, 0 missing. 1 anonymised." in (
        output
    )


def test_an_anonymised_snapshot_changed_afterwards_is_a_mismatch(two_submitted):
    """The anonymisation recorded the fingerprint of what it wrote: a change since is found."""
    from privacy.anonymise import anonymise_application

    anonymised, _intact = two_submitted
    anonymise_application(anonymised, rule="not_funded")
    submission = Submission.objects.get(application=anonymised)
    content = {**submission.content, "title": "Un titre glissé après l'anonymisation"}
    Submission.objects.filter(pk=submission.pk).update(content=content)

    output, status = verify_integrity()

    today = timezone.localdate().isoformat()
    assert status == 1
    assert f"MISMATCH submission {anonymised.reference} #1: anonymised on {today} as" in output
    assert "ANONYMISED" not in output
    assert "1 mismatch, 0 missing." in output


def test_snapshots_anonymised_before_rewrites_were_recorded_are_recorded_by_the_migration(
    two_submitted,
):
    """privacy's migration 0003 records the rewrites of the snapshots anonymised before it, on
    their anonymisation's date; a snapshot that still matches its fingerprint is left out."""
    from django.apps import apps

    from privacy.anonymise import anonymise_application
    from privacy.models import Anonymisation, SnapshotRewrite

    anonymised, intact = two_submitted
    anonymise_application(anonymised, rule="not_funded")
    SnapshotRewrite.objects.all().delete()
    Anonymisation.objects.filter(application=anonymised).update(
        done_at=timezone.now() - dt.timedelta(days=400)
    )
    Anonymisation.objects.create(user=intact.lead, rule="erasure")  # nothing rewritten
    assert verify_integrity()[1] == 1

    migration = importlib.import_module("privacy.migrations.0003_snapshot_rewrites")
    migration.record_earlier_rewrites(apps, None)

    output, status = verify_integrity()
    day = timezone.localdate(timezone.now() - dt.timedelta(days=400)).isoformat()
    assert status == 0
    assert f"ANONYMISED submission {anonymised.reference} #1 on {day}" in output
    assert SnapshotRewrite.objects.count() == 1


def test_the_files_of_a_funded_project_against_their_fingerprints(db):
    """Agreement PDFs, signed copies and amendments' attachments keep their SHA-256: one changed
    or gone is listed; an amendment without attachment is not a file."""
    project = services.create_project(decided_application(CallFactory(closed=True)).decision)

    def saved(instance, field, data):
        instance.sha256 = hashlib.sha256(data).hexdigest()
        getattr(instance, field).save("document.pdf", ContentFile(data), save=False)
        instance.save()
        return instance

    version = saved(
        AgreementVersion(project=project, number=1, language="fr", title="Convention"), "pdf", PDF
    )
    copy = saved(
        Signature(
            version=version,
            party=Party.CARRIER,
            signer_name="Régis Bordet",
            signed_on=dt.date(2026, 3, 16),
            original_name="signée.pdf",
            size=len(PDF),
        ),
        "signed_copy",
        PDF + b"% signed\n",
    )
    asked = {"project": project, "kind": AmendmentKind.EXTENSION, "justification": "Retard."}
    saved(Amendment(**asked, attachment_name="lettre.pdf"), "attachment", PDF + b"% lettre\n")
    Amendment.objects.create(**asked)

    output, status = verify_integrity()
    assert status == 0
    assert output.strip() == "Checked 0 submissions and 3 stored files: 0 mismatches, 0 missing."

    Path(version.pdf.path).write_bytes(b"%PDF-1.4\nune autre convention\n")
    Path(copy.signed_copy.path).unlink()

    output, status = verify_integrity()

    assert status == 1
    assert f"MISMATCH agreement {version.pdf.name} (v1): recorded {version.sha256}" in output
    assert f"MISSING signed copy {copy.signed_copy.name} (signée.pdf)" in output
    assert "Checked 0 submissions and 3 stored files: 1 mismatch, 1 missing." in output


@pytest.fixture
def submitted_report(db, programme_manager):
    """A funded project's interim report submitted by its lead with a file, as users do."""
    call = CallFactory(closed=True)
    CallReportFactory(
        call=call, kind="interim", questions=[report_question(), support_letter_question("q-annex")]
    )
    report = funded_project(call, programme_manager).reports.get(kind="interim")
    lead = report.project.decision.application.lead
    upload = SimpleUploadedFile("annexe.pdf", PDF, content_type="application/pdf")
    add_report_file(report, "q-annex", upload, lead, report.version)
    report.refresh_from_db()
    save_report_draft(report, report.version, actor=lead, answers={"q-summary": "Fait."})
    return submit_report(report, lead)


def test_a_tampered_report_submission_and_report_file_are_listed(submitted_report):
    """A report's snapshot keeps its fingerprint and its files their SHA-256, as an
    application's."""
    assert verify_integrity() == (
        "Checked 1 submissions and 1 stored files: 0 mismatches, 0 missing.\n",
        0,
    )
    submission = submitted_report
    content = {**submission.content, "answers": {"q-summary": "Rien n'a été fait."}}
    ReportSubmission.objects.filter(pk=submission.pk).update(content=content)
    annex = ReportAttachment.objects.get(report=submission.report)
    Path(annex.file.path).write_bytes(PDF + b"% une autre annexe\n")

    output, status = verify_integrity()

    report = submission.report
    reference = report.project.decision.application.reference
    assert status == 1
    assert (
        f"MISMATCH report submission {reference} interim #{report.pk} #1:"
        f" recorded {submission.fingerprint}, content gives" in output
    )
    assert f"MISMATCH report file {annex.file.name} (annexe.pdf): recorded" in output
    assert "Checked 1 submissions and 1 stored files: 2 mismatches, 0 missing." in output


def test_the_report_submissions_of_an_anonymised_dossier_are_skipped(submitted_report):
    """Anonymising the dossier rewrites its report snapshots and records no rewrite for them
    yet: they are left out of the check rather than reported as tampered with."""
    from privacy.anonymise import anonymise_application

    application = submitted_report.report.project.decision.application
    anonymise_application(application, rule="funded")

    output, status = verify_integrity()

    assert status == 0
    assert "report submission" not in output
    assert "MISMATCH" not in output
