"""The funded project in the auditors' ZIP (issue 17): its facts, its agreement's versions
with their PDFs, the signatures with the signed copies, the payment schedule, the payments,
the amendments with their attachments, and the project's own history.

Tables are CSV as the other exports write them (UTF-8 with a byte order mark, semicolons,
amounts with a dot, dates in ISO, times in Paris), their columns named by the models' own
labels. Every stored file is copied in chunks and checked against the fingerprint recorded
when it was received, as the application's attachments are; one storage no longer has is
named in the manifest. The queries do not grow with the number of versions, payments or
amendments: one per kind of row.

Issue 18 adds the project's reports and deliverables (reports.dossier_reports).
"""

import csv
import io

from django.db.models import Prefetch
from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications import audit
from applications.exports import neutralise
from applications.models import AuditSubject
from common.formats import PARIS
from projects.models import (
    AgreementVersion,
    Amendment,
    Deliverable,
    Instalment,
    Payment,
    Project,
    ProjectReport,
    ReportSubmission,
    Signature,
)

from .dossier_zip import fields, heading, line, paragraphs, safe_name, text, title

FOLDER = "projet"
FACTS = f"{FOLDER}/projet.txt"
VERSIONS = f"{FOLDER}/conventions.csv"
VERSION_PDF = f"{FOLDER}/conventions/convention-v{{number}}.pdf"
SIGNATURES = f"{FOLDER}/signatures.csv"
SIGNED_COPY = f"{FOLDER}/signatures/convention-v{{number}}-{{party}}.pdf"
SCHEDULE = f"{FOLDER}/echeancier.csv"
PAYMENTS = f"{FOLDER}/versements.csv"
AMENDMENTS = f"{FOLDER}/avenants.csv"
AMENDMENT_FILE = f"{FOLDER}/avenants/avenant-{{index:02d}}-{{name}}"
HISTORY = f"{FOLDER}/historique-projet.csv"


def add_project(dossier, application, decision):
    """The project of `decision`, if there is one, into `dossier` (a DossierZip)."""
    if decision is None:
        return
    project = (
        Project.objects.filter(decision=decision)
        .select_related("carrier")
        .prefetch_related(
            Prefetch(
                "agreement_versions",
                AgreementVersion.objects.select_related("created_by", "amendment").order_by(
                    "number"
                ),
            ),
            Prefetch(
                "agreement_versions__signatures",
                Signature.objects.select_related("recorded_by").order_by("party"),
            ),
            "instalments",
            Prefetch(
                "payments",
                Payment.objects.select_related("instalment", "recorded_by").order_by(
                    "paid_on", "pk"
                ),
            ),
            Prefetch(
                "amendments",
                Amendment.objects.select_related("asked_by", "decided_by", "new_carrier"),
            ),
            Prefetch("reports", ProjectReport.objects.order_by("due_on", "pk")),
            Prefetch("reports__submissions", ReportSubmission.objects.order_by("number")),
            "reports__attachments",
            Prefetch("deliverables", Deliverable.objects.order_by("declared_at", "pk")),
        )
        .first()
    )
    if project is None:
        return
    project.decision = decision
    decision.application = application
    versions = list(project.agreement_versions.all())
    dossier.add_bytes(FACTS, facts_text(application, project), _("The funded project"))
    dossier.add_bytes(VERSIONS, versions_csv(versions), _("Versions of the funding agreement"))
    for version in versions:
        add_file(
            dossier,
            VERSION_PDF.format(number=version.number),
            version.pdf,
            version.sha256,
            _("Funding agreement, version %(number)s") % {"number": version.number},
        )
    signatures = [signature for version in versions for signature in version.signatures.all()]
    dossier.add_bytes(SIGNATURES, signatures_csv(signatures), _("Signatures of the agreement"))
    for signature in signatures:
        add_file(
            dossier,
            SIGNED_COPY.format(number=signature.version.number, party=signature.party),
            signature.signed_copy,
            signature.sha256,
            _("Copy signed by %(party)s, version %(number)s")
            % {"party": signature.get_party_display(), "number": signature.version.number},
        )
    payments = list(project.payments.all())
    dossier.add_bytes(
        SCHEDULE, schedule_csv(project.instalments.all(), payments), _("Payment schedule")
    )
    dossier.add_bytes(PAYMENTS, payments_csv(payments), _("Payments made"))
    amendments = list(project.amendments.all())
    dossier.add_bytes(AMENDMENTS, amendments_csv(amendments), _("Amendments"))
    for index, amendment in enumerate(amendments, start=1):
        if amendment.attachment:
            add_file(
                dossier,
                AMENDMENT_FILE.format(index=index, name=safe_name(amendment.attachment_name)),
                amendment.attachment,
                amendment.sha256,
                _("Attachment “%(name)s” of amendment %(index)s")
                % {"name": amendment.attachment_name, "index": index},
            )
    from .dossier_reports import add_deliverables, add_reports  # imports this module's helpers

    add_reports(dossier, project.reports.all())
    add_deliverables(dossier, project.deliverables.all())
    dossier.add_bytes(
        HISTORY,
        audit.as_csv(audit.trail(application, AuditSubject.PROJECT)),
        _("History of the funded project"),
    )


def add_file(dossier, name, field_file, expected, description):
    """A stored file copied in chunks, checked against the fingerprint recorded with it."""
    try:
        source = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, OSError, ValueError):
        dossier.missing(name, expected, description + " – " + _("missing from storage"))
        return
    with source:
        sha256 = dossier.add_stream(name, source, description)
    if expected and sha256 != expected:
        dossier.manifest[-1][3] += " – " + _("differs from the recorded fingerprint")


# The facts


def facts_text(application, project):
    lines = heading(application) + title(_("The funded project"))
    lines += fields(project, "state")[:-1]
    carrier = project._meta.get_field("carrier").verbose_name
    lines.append(line(carrier, str(project.carrier) if project.carrier_id else "—"))
    lines += fields(
        project,
        "finance_contact_name",
        "finance_contact_email",
        "amount_granted",
        "signed_on",
        "start_date",
        "duration_months",
    )[:-1]
    end = project.end_date
    lines.append(line(_("End date"), formats.date_format(end, "DATE_FORMAT") if end else "—"))
    lines += fields(project, "created_at", "updated_at")
    if project.state_reason:
        lines += paragraphs(project, "state_reason")
    return text(lines)


# The tables


def table(model, columns, rows, extra_headers=()):
    """A CSV as the other exports write it: headers from the models' labels, every text
    neutralised so that no cell becomes a formula."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    headers = [capfirst(header(model, name)) for name in columns]
    writer.writerow([*headers, *extra_headers])
    for row in rows:
        writer.writerow([neutralise(cell_value(value)) for value in row])
    return buffer.getvalue().encode("utf-8")


def header(model, name):
    """A field's label, or a label of its own for a value no field holds (a lazy text)."""
    return name if isinstance(name, Promise) else model._meta.get_field(name).verbose_name


def cell_value(value):
    """Amounts with a dot, dates in ISO, times in Paris, people as the trail names them."""
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return value.astimezone(PARIS).isoformat(timespec="seconds")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "get_full_name"):
        return audit.person(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def versions_csv(versions):
    columns = ["number", "language", "title", "created_at", "created_by", "reason", "amendment"]
    columns += ["signed_at", "sha256"]
    return table(
        AgreementVersion,
        columns,
        (
            [
                version.number,
                version.language,
                version.title,
                version.created_at,
                version.created_by,
                version.reason,
                version.amendment.get_kind_display() if version.amendment else "",
                version.signed_at,
                version.sha256,
            ]
            for version in versions
        ),
    )


def signatures_csv(signatures):
    columns = ["version", "party", "signer_name", "signer_role", "signed_on", "original_name"]
    columns += ["size", "sha256", "recorded_by", "recorded_at"]
    return table(
        Signature,
        columns,
        (
            [
                signature.version.number,
                signature.get_party_display(),
                signature.signer_name,
                signature.signer_role,
                signature.signed_on,
                signature.original_name,
                signature.size,
                signature.sha256,
                signature.recorded_by,
                signature.recorded_at,
            ]
            for signature in signatures
        ),
    )


def schedule_csv(instalments, payments):
    paid = {}
    for payment in payments:
        paid[payment.instalment_id] = paid.get(payment.instalment_id, 0) + payment.amount
    columns = ["position", "label", "amount", "share", "planned_on", "condition"]
    return table(
        Instalment,
        columns,
        (
            [
                instalment.position,
                instalment.label,
                f"{instalment.amount:.2f}",
                f"{instalment.share:.2f}" if instalment.share is not None else "",
                instalment.planned_on,
                instalment.get_condition_display(),
                f"{paid.get(instalment.pk, 0):.2f}",
            ]
            for instalment in instalments
        ),
        extra_headers=[_("Amount paid (EUR)")],
    )


def payments_csv(payments):
    columns = ["instalment", "paid_on", "amount", "reference", "override_reason"]
    columns += ["recorded_by", "recorded_at"]
    return table(
        Payment,
        columns,
        (
            [
                payment.instalment.label,
                payment.paid_on,
                f"{payment.amount:.2f}",
                payment.reference,
                payment.override_reason,
                payment.recorded_by,
                payment.recorded_at,
            ]
            for payment in payments
        ),
    )


def amendments_csv(amendments):
    columns = [
        "kind",
        "state",
        "justification",
        "extension_months",
        "amount",
        "new_carrier",
        "reallocation",
        "team_change",
        "attachment_name",
        "sha256",
        "asked_by",
        "asked_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    return table(
        Amendment,
        columns,
        (
            [
                amendment.get_kind_display(),
                amendment.get_state_display(),
                amendment.justification,
                amendment.extension_months,
                f"{amendment.amount:.2f}" if amendment.amount is not None else "",
                str(amendment.new_carrier) if amendment.new_carrier_id else "",
                reallocation(amendment.reallocation),
                amendment.team_change,
                amendment.attachment_name,
                amendment.sha256,
                amendment.asked_by,
                amendment.asked_at,
                amendment.decided_by,
                amendment.decided_at,
                amendment.decision_reason,
            ]
            for amendment in amendments
        ),
    )


def reallocation(amounts):
    """{category: amount} as "category: amount" pairs, in a stable order."""
    return " ; ".join(f"{key}: {value}" for key, value in sorted((amounts or {}).items()))
