"""Files answering a report's file questions: checked by their content and size as an
application's attachments are (applications.attachments), kept in private storage, changed
only as the report's draft is (the rule projects.write_report, on the version loaded)."""

from django.db import transaction
from django.utils.translation import gettext as _

from applications.attachments import (
    FILE_TYPES,
    checked_upload,
    display_name,
    forget_files_on_commit,
)
from calls.blocks import frozen_question
from common.permissions import require

from .models import ReportAttachment
from .reports import WRITE, ReportError, editing, why_not_writable


def file_questions(report):
    """{question id: the question's value} of the report's file questions."""
    questions = {}
    for question in report.questions:
        kind, value = frozen_question(question)
        if kind.is_file:
            questions[question.get("id")] = value
    return questions


def add_report_file(report, question_id, uploaded_file, user, version):
    """Attach `uploaded_file` to the file question `question_id`, replacing its previous file;
    `version` is the report's version the page was loaded with (a stale one is refused)."""
    require(user, WRITE, report, ReportError, why_not_writable(report, user))
    question = file_questions(report).get(question_id)
    if question is None:
        raise ReportError(_("This question does not take files."))
    size, sha256, type_code = checked_upload(question, uploaded_file)
    stored = None
    try:
        with transaction.atomic():
            editing(report, version)
            replaced = list(report.attachments.filter(question_id=question_id, superseded=False))
            attachment = ReportAttachment(
                report=report,
                question_id=question_id,
                original_name=display_name(uploaded_file.name, type_code),
                content_type=FILE_TYPES[type_code][0],
                size=size,
                sha256=sha256,
                uploaded_by=user,
            )
            attachment.file.save(sha256, uploaded_file, save=False)
            stored = attachment.file.name
            attachment.save()
            detach(report, replaced)
    except BaseException:
        if stored and not ReportAttachment.objects.filter(file=stored).exists():
            attachment.file.storage.delete(stored)
        raise
    return attachment


def remove_report_file(report, attachment_id, user, version):
    """Remove a file from a report's draft; its question must be answered again if required."""
    require(user, WRITE, report, ReportError, why_not_writable(report, user))
    with transaction.atomic():
        editing(report, version)
        attachment = report.attachments.filter(pk=attachment_id, superseded=False).first()
        if attachment is None:
            raise ReportError(_("This file was already removed."))
        detach(report, [attachment])
    return attachment


def detach(report, attachments):
    """Take `attachments` out of the report's draft. A file that a submission holds (by its
    fingerprint) is kept, marked superseded, downloadable as it was submitted; the others are
    deleted, their stored files once the transaction commits."""
    submitted = {
        attachment.get("sha256")
        for content in report.submissions.values_list("content", flat=True)
        for attachment in content.get("attachments") or []
    }
    gone = []
    for attachment in attachments:
        if attachment.sha256 in submitted:
            attachment.superseded = True
            attachment.save(update_fields=["superseded"])
        else:
            attachment.delete()
            gone.append(attachment.file.name)
    forget_files_on_commit(
        [name for name in gone if not ReportAttachment.objects.filter(file=name).exists()]
    )
