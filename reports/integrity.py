"""Whether what the database and the storages hold is still what was received: every
submission's snapshot against its SHA-256 fingerprint, every stored file against its hash (or,
for the files that keep none, against its presence): applicants' attachments, reports and
funded projects' agreements, signed copies and amendments' attachments in private storage, the
CMS's documents and images (Wagtail keeps their SHA-1) in public media. Read by
`manage.py verify_integrity`, after a restore above all (docs/operations.md).

Rows are streamed (`iterator()`), files read in chunks, through the storage the fields name, so
that a large database or a bucket is checked without holding it in memory.

A snapshot that privacy rewrote (its application anonymised, or a person it names erased) no
longer matches its fingerprint, by design: each rewrite recorded the fingerprint of the content
it wrote, and a snapshot that matches its latest rewrite is reported as anonymised on that date,
not as a mismatch; one that matches neither was changed since, and is a mismatch. An anonymised
application's attachments' rows went with their files. A funded project's report submissions
(issue 18) are rewritten by the same anonymisation, which records no rewrite for them yet: those
of a dossier whose anonymisation is recorded are skipped, the others checked. The rewrites
belong to the privacy app, above this one: their models are looked up in the registry
(`apps.get_model("privacy", ...)`), so that reports imports nothing from privacy."""

import hashlib
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

from applications.models import Attachment, Submission
from applications.snapshot import fingerprint
from projects.models import (
    AgreementVersion,
    Amendment,
    ReportAttachment,
    ReportSubmission,
    Signature,
)

from .models import Report

CHUNK = 1024 * 1024
ROWS = 500


@dataclass
class Finding:
    kind: str  # "mismatch" or "missing"; "anonymised" is a note, not a problem
    what: str  # "submission", "attachment", "report"
    text: str

    def __str__(self):
        return f"{self.kind.upper()} {self.what} {self.text}"


@dataclass
class Verification:
    checked: dict = field(default_factory=lambda: {"submissions": 0, "files": 0})
    findings: list = field(default_factory=list)
    anonymised: list = field(default_factory=list)

    @property
    def intact(self):
        return not self.findings

    def count(self, kind):
        return sum(1 for finding in self.findings if finding.kind == kind)

    def summary(self):
        mismatches = self.count("mismatch")
        anonymised = f" {len(self.anonymised)} anonymised." if self.anonymised else ""
        return (
            f"Checked {self.checked['submissions']} submissions and {self.checked['files']}"
            f" stored files: {mismatches} mismatch{'' if mismatches == 1 else 'es'},"
            f" {self.count('missing')} missing.{anonymised}"
        )


def file_digest(field_file):
    """The SHA-256 of a stored file, read in chunks; None when storage has no such file."""
    digest = hashlib.sha256()
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        return None
    with handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def latest_rewrite(column):
    """`column` of the submission's latest rewrite by privacy (None when it was never
    rewritten)."""
    rewrites = apps.get_model("privacy", "SnapshotRewrite").objects.filter(
        submission=OuterRef("pk")
    )
    return Subquery(rewrites.order_by("-at", "-pk").values(column)[:1])


def submission_findings(verification):
    rows = (
        Submission.objects.select_related("application")
        .only("number", "content", "fingerprint", "application__call")
        .annotate(rewritten_as=latest_rewrite("fingerprint"), rewritten_at=latest_rewrite("at"))
    )
    for submission in rows.iterator(chunk_size=ROWS):
        verification.checked["submissions"] += 1
        computed = fingerprint(submission.content)
        if computed == submission.fingerprint:
            continue
        where = f"{submission.application.reference} #{submission.number}"
        if submission.rewritten_as is None:
            yield Finding(
                "mismatch",
                "submission",
                f"{where}: recorded {submission.fingerprint}, content gives {computed}",
            )
            continue
        on = f"on {timezone.localdate(submission.rewritten_at).isoformat()}"
        if computed == submission.rewritten_as:
            yield Finding("anonymised", "submission", f"{where} {on}")
        else:
            yield Finding(
                "mismatch",
                "submission",
                f"{where}: anonymised {on} as {submission.rewritten_as}, content gives {computed}",
            )


def report_submission_findings(verification):
    """A report's snapshot against its fingerprint; those of an anonymised dossier are skipped
    (privacy rewrote them and records no rewrite for reports yet)."""
    anonymised = apps.get_model("privacy", "Anonymisation").objects.filter(
        application=OuterRef("report__project__decision__application")
    )
    rows = ReportSubmission.objects.exclude(Exists(anonymised)).select_related(
        "report__project__decision__application"
    )
    for submission in rows.iterator(chunk_size=ROWS):
        verification.checked["submissions"] += 1
        computed = fingerprint(submission.content)
        if computed != submission.fingerprint:
            report = submission.report
            application = report.project.decision.application
            yield Finding(
                "mismatch",
                "report submission",
                f"{application.reference} {report.kind} #{report.pk} #{submission.number}:"
                f" recorded {submission.fingerprint}, content gives {computed}",
            )


def attachment_findings(verification):
    rows = Attachment.objects.select_related("application").only(
        "file", "sha256", "original_name", "application__call"
    )
    for attachment in rows.iterator(chunk_size=ROWS):
        verification.checked["files"] += 1
        application = attachment.application.reference
        where = f"{attachment.file.name} ({attachment.original_name}, {application})"
        computed = file_digest(attachment.file)
        if computed is None:
            yield Finding("missing", "attachment", where)
        elif computed != attachment.sha256:
            yield Finding(
                "mismatch",
                "attachment",
                f"{where}: recorded {attachment.sha256}, file gives {computed}",
            )


def report_findings(verification):
    """Reports keep no hash: a finished one whose file is gone is missing."""
    rows = Report.objects.exclude(file="").only("file", "kind")
    for report in rows.iterator(chunk_size=ROWS):
        verification.checked["files"] += 1
        if not report.file.storage.exists(report.file.name):
            yield Finding("missing", "report", f"{report.file.name} ({report.kind} #{report.pk})")


PROJECT_FILES = (
    # model, its file field, what a finding calls it, how a row names itself
    (AgreementVersion, "pdf", "agreement", lambda row: f"v{row.number}"),
    (Signature, "signed_copy", "signed copy", lambda row: row.original_name),
    (Amendment, "attachment", "amendment attachment", lambda row: row.attachment_name),
    (ReportAttachment, "file", "report file", lambda row: row.original_name),
)


def project_file_findings(verification):
    """The files of funded projects (agreement PDFs, signed copies, amendments' attachments)
    against the SHA-256 recorded when each was made or received."""
    for model, field_name, what, name in PROJECT_FILES:
        rows = model.objects.exclude(**{field_name: ""})
        for row in rows.iterator(chunk_size=ROWS):
            verification.checked["files"] += 1
            field_file = getattr(row, field_name)
            where = f"{field_file.name} ({name(row)})"
            computed = file_digest(field_file)
            if computed is None:
                yield Finding("missing", what, where)
            elif computed != row.sha256:
                yield Finding(
                    "mismatch", what, f"{where}: recorded {row.sha256}, file gives {computed}"
                )


def cms_file_findings(verification):
    """Documents and images uploaded in Wagtail, against the SHA-1 it recorded (Wagtail's own
    function); one uploaded without a hash is checked for presence."""
    for model in (get_document_model(), get_image_model()):
        what = model._meta.model_name
        for item in model.objects.only("file", "file_hash", "title").iterator(chunk_size=ROWS):
            verification.checked["files"] += 1
            where = f"{item.file.name} ({item.title})"
            try:
                with item.file.storage.open(item.file.name, "rb") as handle:
                    computed = hash_filelike(handle) if item.file_hash else item.file_hash
            except FileNotFoundError:
                yield Finding("missing", what, where)
                continue
            if computed != item.file_hash:
                yield Finding(
                    "mismatch", what, f"{where}: recorded {item.file_hash}, file gives {computed}"
                )


def verify_integrity(on_finding=None):
    """Every check, in turn; `on_finding` hears each problem as it is found."""
    verification = Verification()
    checks = (
        submission_findings,
        report_submission_findings,
        attachment_findings,
        report_findings,
        project_file_findings,
        cms_file_findings,
    )
    for check in checks:
        for finding in check(verification):
            kept = (
                verification.anonymised if finding.kind == "anonymised" else verification.findings
            )
            kept.append(finding)
            if on_finding:
                on_finding(finding)
    return verification
