"""The full dossier of one application for auditors: one ZIP with its submitted PDFs, the files
as submitted, the reviews, the consensus report, the applicant's reply, the decision, the
letters, the funded project (reports.dossier_project) and the audit trail, and a manifest with
the SHA-256 of each file.

The ZIP is written into a file the caller gives (a temporary file on disk): attachments are
copied from storage in chunks, so memory stays bounded whatever their size. Names inside the ZIP
are fixed by this module (never taken from a user as typed): the same dossier gives the same
names.
"""

import csv
import hashlib
import io
import re
import unicodedata
import zipfile

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications import audit
from applications.exports import neutralise
from applications.models import private_storage
from applications.receipts import render_receipt
from common.formats import PARIS, euros, paris_datetime, score
from decisions.models import Decision, Letter
from reviews.models import ConsensusReport, Reply, Review, ReviewScore, ReviewState

CHUNK = 1024 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")

# Fixed names inside the ZIP's folder.
RECEIPT = "depots/recepisse-{reference}-{number}.pdf"
ATTACHMENT = "pieces-jointes/{index:02d}-{name}"
REVIEWS = "expertises.txt"
CONSENSUS = "rapport-de-synthese.txt"
REPLY = "reponse-du-porteur.txt"
DECISION = "decision.txt"
LETTER = "courriers/courrier-{index:02d}-{language}.pdf"
HISTORY = "historique.csv"
MANIFEST = "manifeste.csv"


def zip_filename(application):
    return f"dossier-{application.reference}.zip"


def safe_name(name, fallback="fichier"):
    """A file name that is only a name: ASCII letters, digits, dot, dash and underscore, no
    folder, no leading dot, at most 80 characters with its extension."""
    name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")
    stem, dot, extension = name.rpartition(".")
    if not stem or len(extension) > 10:
        stem, dot, extension = name, "", ""
    stem = stem[: 80 - len(dot + extension)].strip("._-")
    return f"{stem}{dot}{extension}" if stem else fallback


class DossierZip:
    """A ZIP under one folder whose every entry is counted in a manifest (size, SHA-256)."""

    def __init__(self, handle, folder):
        self.zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED)
        self.folder = folder
        self.date_time = timezone.now().astimezone(PARIS).timetuple()[:6]
        self.manifest = []  # [name, size, sha256, what it is]

    def _info(self, name):
        info = zipfile.ZipInfo(f"{self.folder}/{name}", date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o640 << 16
        return info

    def add_bytes(self, name, data, description):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.zip.writestr(self._info(name), data)
        self.manifest.append([name, len(data), hashlib.sha256(data).hexdigest(), description])

    def add_stream(self, name, source, description, size_hint=0):
        """Copy `source` (a binary file) in chunks; returns its SHA-256."""
        digest, size = hashlib.sha256(), 0
        with self.zip.open(self._info(name), "w", force_zip64=size_hint > 2**31) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        sha256 = digest.hexdigest()
        self.manifest.append([name, size, sha256, description])
        return sha256

    def missing(self, name, sha256, description):
        """A file the dossier should hold but storage no longer has: named in the manifest."""
        self.manifest.append([name, "", sha256, description])

    def close(self):
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([_("File"), _("Size (bytes)"), _("SHA-256"), _("Contents")])
        for name, size, sha256, description in self.manifest:
            writer.writerow([neutralise(name), size, sha256, neutralise(description)])
        self.zip.writestr(self._info(MANIFEST), buffer.getvalue().encode("utf-8"))
        self.zip.close()


def write_dossier(application, handle, language):
    """Write the dossier of `application` as a ZIP into the binary file `handle`; texts and
    receipts in `language` (call it with that language active)."""
    reference = application.reference
    dossier = DossierZip(handle, f"dossier-{reference}")
    submissions = list(application.submissions.order_by("number"))
    for submission in submissions:
        submission.application = application
        dossier.add_bytes(
            RECEIPT.format(reference=reference, number=submission.number),
            render_receipt(submission, language),
            _("Receipt of submission %(number)s, from its frozen content")
            % {"number": submission.number},
        )
    add_attachments(dossier, application, submissions[-1] if submissions else None)
    dossier.add_bytes(REVIEWS, reviews_text(application), _("Submitted reviews"))
    dossier.add_bytes(CONSENSUS, consensus_text(application), _("Consensus report"))
    dossier.add_bytes(REPLY, reply_text(application), _("The applicant's reply"))
    decision = (
        Decision.objects.filter(application=application)
        .select_related("proposed_by", "decided_by")
        .first()
    )
    dossier.add_bytes(DECISION, decision_text(application, decision), _("Proposal and decision"))
    if decision is not None:
        from decisions.letters import letter_pdf  # loads WeasyPrint's fonts: only when needed

        decision.application = application
        letters = Letter.objects.filter(decision=decision).order_by("sent_at", "pk")
        for index, letter in enumerate(letters, start=1):
            letter.decision = decision
            dossier.add_bytes(
                LETTER.format(index=index, language=safe_name(letter.language, "xx")),
                letter_pdf(letter),
                _("Decision letter sent on %(date)s") % {"date": paris_datetime(letter.sent_at)},
            )
    from .dossier_project import add_project  # imports this module's helpers

    add_project(dossier, application, decision)
    dossier.add_bytes(HISTORY, audit.as_csv(audit.trail(application)), _("History"))
    dossier.close()


def add_attachments(dossier, application, submission):
    """The files of the last submission, as listed in its frozen content and checked against
    their fingerprints; a draft never submitted gives its current files."""
    stored = {attachment.sha256: attachment for attachment in application.attachments.all()}
    if submission is None:
        listed = [
            {"name": a.original_name, "sha256": a.sha256, "size": a.size, "question_id": ""}
            for a in stored.values()
        ]
    else:
        listed = submission.content.get("attachments") or []
    storage = private_storage()
    for index, item in enumerate(listed, start=1):
        expected = str(item.get("sha256") or "")
        name = ATTACHMENT.format(index=index, name=safe_name(item.get("name") or ""))
        description = _("Attachment “%(name)s” as submitted") % {"name": item.get("name", "")}
        if not SHA256.match(expected):
            dossier.missing(name, expected, description + " – " + _("no fingerprint"))
            continue
        attachment = stored.get(expected)
        path = attachment.file.name if attachment else f"applications/{application.pk}/{expected}"
        try:
            source = storage.open(path, "rb")
        except (FileNotFoundError, OSError):
            dossier.missing(name, expected, description + " – " + _("missing from storage"))
            continue
        with source:
            sha256 = dossier.add_stream(name, source, description, item.get("size") or 0)
        if sha256 != expected:
            dossier.manifest[-1][3] += " – " + _("differs from the submitted fingerprint")


# The texts

MONEY_FIELDS = {"proposed_amount", "amount_granted"}


def line(label, value):
    return _("%(label)s: %(value)s") % {"label": capfirst(label), "value": value}


def field_value(instance, name):
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    kind = field.get_internal_type()
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if field.is_relation:
        return audit.person(value)
    if name in MONEY_FIELDS:
        return euros(value)
    if kind == "DateTimeField":
        return paris_datetime(value)
    if kind == "DateField":
        return formats.date_format(value, "DATE_FORMAT")
    if kind == "BooleanField":
        return _("yes") if value else _("no")
    if kind == "DecimalField":
        return score(value)
    return str(value)


def fields(instance, *names):
    """A line "Label: value" per field, then an empty line."""
    return [
        line(instance._meta.get_field(name).verbose_name, field_value(instance, name))
        for name in names
    ] + [""]


def paragraphs(instance, *names):
    """Long texts: the field's label on a line, the text below, an empty line."""
    lines = []
    for name in names:
        label = capfirst(instance._meta.get_field(name).verbose_name)
        lines += [_("%(label)s:") % {"label": label}, getattr(instance, name) or "—", ""]
    return lines


def title(text):
    return [text, "=" * len(text), ""]


def heading(application):
    return [
        f"{application.reference} – {application.title}",
        line(_("Call"), application.call.title),
        line(_("Written on"), paris_datetime(timezone.now())),
        "",
    ]


def text(lines):
    return "\n".join(lines) + "\n"


def score_lines(scores):
    lines = [_("%(label)s:") % {"label": _("Scores per criterion")}]
    for row in scores:
        criterion = row.criterion
        lines.append(
            line(
                _("%(criterion)s (weight %(weight)s, from %(min)s to %(max)s)")
                % {
                    "criterion": criterion.name,
                    "weight": score(criterion.weight),
                    "min": criterion.scale_min,
                    "max": criterion.scale_max,
                },
                score(row.score) or "—",
            )
        )
        if row.comment:
            lines.append(f"    {row.comment}")
    return lines + [""]


def reviews_text(application):
    reviews = list(
        Review.objects.filter(assignment__application=application, state=ReviewState.SUBMITTED)
        .select_related("assignment__reviewer__institution")
        .prefetch_related(Prefetch("scores", ReviewScore.objects.select_related("criterion")))
        .order_by("submitted_at", "pk")
    )
    lines = heading(application)
    if not reviews:
        return text(lines + [_("No submitted review.")])
    for number, review in enumerate(reviews, start=1):
        reviewer = review.assignment.reviewer
        lines += title(_("Review %(number)s") % {"number": number})
        lines.append(line(_("Reviewer"), audit.person(reviewer)))
        if reviewer.institution_id:
            lines.append(line(_("Institution"), str(reviewer.institution)))
        lines += fields(review, "submitted_at", "recommendation", "weighted_score")
        lines += score_lines(review.scores.all())
        lines += paragraphs(review, "comment_for_applicant", "confidential_comment")
    return text(lines)


def consensus_text(application):
    report = (
        ConsensusReport.objects.filter(application=application).select_related("rapporteur").first()
    )
    lines = heading(application)
    if report is None:
        return text(lines + [_("No consensus report.")])
    lines += title(_("Consensus report"))
    lines += fields(
        report,
        "rapporteur",
        "finalised_at",
        "recommendation",
        "weighted_score",
        "threshold_override",
        "override_reason",
    )
    lines += score_lines(report.scores.select_related("criterion"))
    lines += paragraphs(report, "majority_view", "minority_view", "comment_for_applicant")
    return text(lines)


def reply_text(application):
    reply = Reply.objects.filter(application=application).select_related("author").first()
    lines = heading(application)
    if reply is None or not reply.text:
        return text(lines + [_("No reply from the applicant.")])
    lines += title(_("The applicant's reply"))
    lines += fields(reply, "author", "updated_at") + paragraphs(reply, "text")
    return text(lines)


def decision_text(application, decision):
    lines = heading(application)
    if decision is None:
        return text(lines + [_("No proposal or decision recorded.")])
    lines += title(_("Proposal of the scientific council"))
    lines += fields(
        decision,
        "proposed_outcome",
        "proposed_amount",
        "proposal_meeting_date",
        "proposed_by",
        "proposed_at",
    )
    lines += paragraphs(decision, "proposal_motivation")
    lines += title(_("Decision"))
    lines += fields(
        decision,
        "body",
        "outcome",
        "amount_granted",
        "reserve_rank",
        "meeting_date",
        "decided_by",
        "decided_at",
        "override_reason",
    )
    lines += paragraphs(decision, "conditions", "motivation")
    return text(lines)
