"""The funded project's reports and deliverables in the auditors' ZIP (issue 18), beside its
agreement and payments (reports.dossier_project): `projet/rapports/` holds a table of the
reports and, per submission, its snapshot as the canonical JSON whose SHA-256 is the fingerprint
recorded at receipt, its receipt rendered from that snapshot alone, and the files it lists,
found by their SHA-256 (a replaced file stays with the submission that held it);
`livrables.csv` lists every deliverable, public or not. Everything is in the manifest; a
snapshot or a file that no longer matches its fingerprint, or a file gone, is said there."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.snapshot import canonical_json
from projects.models import Deliverable, ProjectReport
from projects.report_receipts import render_receipt

from .dossier_project import FOLDER, add_file, table
from .dossier_zip import safe_name

REPORTS = f"{FOLDER}/rapports/rapports.csv"
REPORT_FOLDER = f"{FOLDER}/rapports/rapport-{{index:02d}}"
SNAPSHOT = "{folder}/depot-{number}.json"
REPORT_RECEIPT = "{folder}/recepisse-{number}.pdf"
REPORT_FILE = "{folder}/depot-{number}-fichiers/{position:02d}-{name}"
DELIVERABLES = f"{FOLDER}/livrables.csv"


def add_deliverables(dossier, deliverables):
    dossier.add_bytes(DELIVERABLES, deliverables_csv(deliverables), _("Deliverables declared"))


def add_reports(dossier, reports):
    """The reports' table, then per submission its snapshot, its receipt and its files."""
    folders = {}
    for index, report in enumerate(reports, start=1):
        if report.submissions.all():
            folders[report.pk] = REPORT_FOLDER.format(index=index)
    dossier.add_bytes(REPORTS, reports_csv(reports, folders), _("Reports of the project"))
    language = translation.get_language()
    for report in reports:
        stored = {attachment.sha256: attachment for attachment in report.attachments.all()}
        for submission in report.submissions.all():
            submission.report = report
            add_submission(dossier, folders[report.pk], submission, stored, language)


def add_submission(dossier, folder, submission, stored, language):
    where = {"title": submission.report.title, "number": submission.number}
    snapshot = canonical_json(submission.content)
    dossier.add_bytes(
        SNAPSHOT.format(folder=folder, number=submission.number),
        snapshot,
        _("Report “%(title)s”, submission %(number)s: its content as received") % where,
    )
    if dossier.manifest[-1][2] != submission.fingerprint:
        dossier.manifest[-1][3] += " – " + _("differs from the recorded fingerprint")
    dossier.add_bytes(
        REPORT_RECEIPT.format(folder=folder, number=submission.number),
        render_receipt(submission, language),
        _("Receipt of report “%(title)s”, submission %(number)s") % where,
    )
    for position, item in enumerate(submission.content.get("attachments") or [], start=1):
        expected = str(item.get("sha256") or "")
        name = REPORT_FILE.format(
            folder=folder,
            number=submission.number,
            position=position,
            name=safe_name(item.get("name") or ""),
        )
        description = _("File “%(name)s” of report “%(title)s”, submission %(number)s") % {
            **where,
            "name": item.get("name", ""),
        }
        attachment = stored.get(expected)
        if attachment is None:
            dossier.missing(name, expected, description + " – " + _("missing from storage"))
        else:
            add_file(dossier, name, attachment.file, expected, description)


def reports_csv(reports, folders):
    columns = ["kind", "title_fr", "state", "due_on", "submitted_at", "reviewed_at"]
    columns += ["review_comment", gettext_lazy("folder in the ZIP")]
    return table(
        ProjectReport,
        columns,
        (
            [
                report.get_kind_display(),
                report.title,
                report.get_state_display(),
                report.due_on,
                report.submitted_at,
                report.reviewed_at,
                report.review_comment,
                folders.get(report.pk, ""),
            ]
            for report in reports
        ),
    )


def deliverables_csv(deliverables):
    columns = ["kind", "title", "identifier_scheme", "identifier", gettext_lazy("link")]
    columns += ["licence", "is_public", "declared_at"]
    return table(
        Deliverable,
        columns,
        (
            [
                deliverable.get_kind_display(),
                deliverable.title,
                deliverable.get_identifier_scheme_display(),
                deliverable.identifier,
                deliverable.link,
                deliverable.get_licence_display(),
                deliverable.is_public,
                deliverable.declared_at,
            ]
            for deliverable in deliverables
        ),
    )
