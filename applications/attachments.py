"""Files answering the call's file questions: checked by content, sized, stored privately.

A file is accepted only if its bytes are one of the types the question accepts (the name and the
type the browser declares are ignored), if it fits the question's limit and the application's
total, and if the draft has not changed since the form was loaded. Nothing is stored half: when
anything fails, no row and no file remain.
"""

import hashlib
import unicodedata
import zipfile

import filetype
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from calls.blocks import FileQuestionBlock

from .models import Attachment, private_storage
from .services import ApplicationError, editing_draft, require_editable

MB = 1024 * 1024
CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8 * 1024
MAX_NAME_LENGTH = 255
# Office entries we read to tell the formats apart are small; never inflate more than this.
MAX_OFFICE_ENTRY = 1 * MB

# type code (as the question's accepted_types say it): MIME type stored and served, extensions.
FILE_TYPES = {
    "pdf": ("application/pdf", ("pdf",)),
    "odt": ("application/vnd.oasis.opendocument.text", ("odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "png": ("image/png", ("png",)),
    "jpeg": ("image/jpeg", ("jpg", "jpeg")),
}

# Office Open XML: the main part's content type that [Content_Types].xml must declare, and the
# part itself. Macro-enabled variants (docm, xlsm) declare another content type and are refused.
OOXML_MAIN_PARTS = {
    "docx": (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    ),
    "xlsx": (
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xl/workbook.xml",
    ),
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


class AttachmentRefused(ApplicationError):
    """The file cannot be attached; the message says why, in the user's language."""


def type_labels(codes) -> str:
    """ "PDF, Word (docx) or PNG", with the labels the call's editors chose from."""
    labels = dict(FileQuestionBlock.base_blocks["accepted_types"].field.choices)
    return str(get_text_list([str(labels.get(code, code)) for code in codes], _("or")))


def detect_type(uploaded_file) -> str | None:
    """The type code of a file, from its content only, or None if it is none of FILE_TYPES."""
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_SIZE)
    uploaded_file.seek(0)
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n") and mime == "image/png":
        return "png"
    if head.startswith(b"\xff\xd8\xff") and mime == "image/jpeg":
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            return office_type(uploaded_file)
        finally:
            uploaded_file.seek(0)
    return None


def office_type(uploaded_file) -> str | None:
    """odt, ods, docx or xlsx if the ZIP container holds what that format needs, else None."""
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = archive.namelist()
            entries = set(names)
            if names and names[0] == "mimetype":
                # OpenDocument: an uncompressed "mimetype" entry first, then the manifest.
                declared = archive.open("mimetype").read(200).strip()
                code = ODF_MIMETYPES.get(declared)
                if code and {"META-INF/manifest.xml", "content.xml"} <= entries:
                    return code
                return None
            if "[Content_Types].xml" in entries:
                types = archive.open("[Content_Types].xml").read(MAX_OFFICE_ENTRY)
                for code, (content_type, main_part) in OOXML_MAIN_PARTS.items():
                    if content_type in types and main_part in entries:
                        return code
            return None
    except Exception:  # noqa: BLE001 (zlib.error, EOFError, lzma.LZMAError...: not an office file)
        return None


def clean_name(name) -> str:
    """A file name without folders ("../../"), control characters or surrounding dots."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: control, format (such as right-to-left overrides), unassigned, private use.
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    return " ".join(name.split()).strip(" .")


def display_name(name, type_code) -> str:
    """The name shown and offered on download: clean, at most 255 characters, ending with an
    extension of the type actually detected."""
    name = clean_name(name)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extensions = FILE_TYPES[type_code][1]
    if extension.lower() not in extensions:
        # A PNG named "scan.pdf" is offered back as "scan.png": the name says what it is.
        if extension.lower() not in {ext for _, exts in FILE_TYPES.values() for ext in exts}:
            stem = name
        extension = extensions[0]
    stem = stem.strip(" .") or _("file")
    return f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"


def read_checked(uploaded_file, name, limit) -> tuple[int, str]:
    """Stream the file in chunks: its size and SHA-256, refused as soon as it exceeds `limit`."""
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise too_large(name, uploaded_file.size or size, limit)
        digest.update(chunk)
    uploaded_file.seek(0)
    return size, digest.hexdigest()


def checked_upload(question, uploaded_file):
    """(size, sha256, type code) of a file that `question` (a file question's value: its
    accepted types and size limit) accepts; raises AttachmentRefused saying what is wrong with
    it. The one check of an uploaded answer, for applications and project reports alike."""
    if not uploaded_file:
        raise AttachmentRefused(_("Choose a file to send."))
    shown_name = clean_name(uploaded_file.name)[:100] or _("file")
    limit = question["max_size_mb"] * MB
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise too_large(shown_name, uploaded_file.size, limit)
    size, sha256 = read_checked(uploaded_file, shown_name, limit)
    if size == 0:
        raise AttachmentRefused(_("“%(name)s” is empty.") % {"name": shown_name})
    accepted = list(question["accepted_types"])
    type_code = detect_type(uploaded_file)
    if type_code not in accepted:
        raise AttachmentRefused(
            _(
                "“%(name)s” is not a file of an accepted type, whatever its name says. "
                "Accepted types: %(types)s. Save your document in one of these formats and "
                "send it again."
            )
            % {"name": shown_name, "types": type_labels(accepted)}
        )
    return size, sha256, type_code


def too_large(name, size, limit):
    return AttachmentRefused(
        _("“%(name)s” is %(size)s: files for this question may not exceed %(limit)s MB.")
        % {"name": name, "size": filesizeformat(size), "limit": limit // MB}
    )


def add_attachment(application, question_id, uploaded_file, user, version) -> Attachment:
    """Attach `uploaded_file` to the file question `question_id`, replacing its previous file.

    `version` is the draft version the form was loaded with: a stale one raises StaleDraft.
    Raises AttachmentRefused (or another ApplicationError) with a message for the user. Files
    change as the draft does: by the lead, on a draft, before the deadline (the rule
    applications.edit_draft).
    """
    require_editable(application, user)
    question = application.call.file_questions().get(question_id)
    if question is None:
        raise AttachmentRefused(_("This question does not take files."))
    size, sha256, type_code = checked_upload(question, uploaded_file)

    storage = private_storage()
    stored_name = None
    try:
        with editing_draft(application, version):
            replaced = list(application.attachments.filter(question_id=question_id))
            others = application.attachments.exclude(question_id=question_id)
            total = sum(others.values_list("size", flat=True)) + size
            total_limit = application.call.attachments_max_total_mb * MB
            if total > total_limit:
                raise AttachmentRefused(
                    _(
                        "With this file, the files of this application would take %(total)s, "
                        "more than the %(limit)s MB allowed. Remove or reduce another file first."
                    )
                    % {
                        "total": filesizeformat(total),
                        "limit": application.call.attachments_max_total_mb,
                    }
                )
            attachment = Attachment(
                application=application,
                question_id=question_id,
                original_name=display_name(uploaded_file.name, type_code),
                content_type=FILE_TYPES[type_code][0],
                size=size,
                sha256=sha256,
                uploaded_by=user,
            )
            # The storage names the file from the application and the fingerprint, never the user.
            attachment.file.save(sha256, uploaded_file, save=False)
            stored_name = attachment.file.name
            attachment.save()
            for old in replaced:
                old.delete()
            forget_files_on_commit([old.file.name for old in replaced])
    except BaseException:
        if stored_name:
            storage.delete(stored_name)
        raise
    return attachment


def delete_attachment(application, attachment_id, user, version) -> Attachment:
    """Remove a file from a draft; its question must be answered again if required."""
    require_editable(application, user)
    with editing_draft(application, version):
        attachment = application.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise AttachmentRefused(_("This file was already removed."))
        attachment.delete()
        forget_files_on_commit([attachment.file.name])
    return attachment


def forget_files_on_commit(names):
    """Delete stored files once the rows that pointed to them are gone for good."""
    names = [name for name in names if name]
    if names:
        storage = private_storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in names], robust=True)
