"""Attachments: checked by content, limited in size, stored privately, served to readers only."""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from applications.attachments import add_attachment
from applications.models import Attachment
from applications.services import (
    ApplicationError,
    reopen_application,
    save_draft,
    submit_application,
)
from calls.models import Call

from .factories import ApplicationFactory, CallFactory, joined_member
from .reading import flat, text_of

pytestmark = pytest.mark.usefixtures("in_english", "empty_private_folder")

MB = 1024 * 1024
QUESTION = "q-letter"
OTHER_QUESTION = "q-annex"


def file_question(block_id, label, accepted=("pdf",), max_size_mb=10, required=False):
    return {
        "type": "file",
        "id": block_id,
        "value": {
            "label": label,
            "label_en": "",
            "help_text": "",
            "required": required,
            "accepted_types": list(accepted),
            "max_size_mb": max_size_mb,
        },
    }


def draft(applicant, accepted=("pdf",), max_size_mb=10, total_mb=30):
    call = CallFactory(
        questions=[
            file_question(QUESTION, "Lettre de soutien", accepted, max_size_mb),
            file_question(OTHER_QUESTION, "Annexe", accepted, max_size_mb),
        ],
        attachments_max_total_mb=total_mb,
    )
    return ApplicationFactory(call=call, lead=applicant, complete=True)


@pytest.fixture(scope="module")
def real_pdf():
    from weasyprint import HTML

    return HTML(string="<h1>Lettre de soutien</h1><p>Nous soutenons ce projet.</p>").write_pdf()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "just a zip")
    return buffer.getvalue()


def upload(client, application, data, name, question=QUESTION, version=None, **headers):
    return client.post(
        reverse("applications:upload", args=[application.pk, question]),
        {
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
            "version": application.version if version is None else version,
        },
        headers=headers,
    )


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def refusal_beside_the_field(client, response, question=QUESTION):
    """The refusal as the page shows it: not at the top, but beside the file field, which is
    marked invalid and described by it; listed in the summary with a link to the field."""
    assert response.status_code == 302
    assert response.url.endswith(f"#question-{question}")
    at_the_top = " ".join(shown_messages(response))
    page = text_of(client.get(response.url))
    field = re.search(rf'<input type="file"[^>]*id="upload-{question}-file"[^>]*>', page).group()
    assert 'aria-invalid="true"' in field and f"upload-{question}-error" in field
    beside = re.search(rf'id="upload-{question}-error">(.*?)</div>', page, re.S).group(1)
    summary = re.search(r'id="problems".*?</div>', page, re.S).group()
    assert f'href="#upload-{question}-file"' in summary
    message = flat(strip_tags(beside))
    assert message in flat(strip_tags(summary)) and message not in flat(at_the_top)
    return message


def stored_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_real_pdf_is_accepted_and_stored_privately(client, applicant, real_pdf):
    application = draft(applicant)
    client.force_login(applicant)

    response = upload(client, application, real_pdf, "lettre.pdf")

    edit_url = reverse("applications:edit", args=[application.pk])
    assert response.status_code == 302
    assert response.url == f"{edit_url}#question-{QUESTION}"
    assert "“lettre.pdf” is attached" in shown_messages(response)[0]
    attachment = Attachment.objects.get(application=application)
    assert (attachment.original_name, attachment.content_type) == ("lettre.pdf", "application/pdf")
    assert attachment.size == len(real_pdf)
    path = Path(attachment.file.path)
    assert path.read_bytes() == real_pdf
    assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert attachment.file.name == f"applications/{application.pk}/{attachment.sha256}"


@pytest.mark.parametrize(
    ("data", "name"), [(WINDOWS_PROGRAM, "rapport.pdf"), (ELF_PROGRAM, "budget.pdf")]
)
def test_a_renamed_program_is_refused_with_the_accepted_types(client, applicant, data, name):
    application = draft(applicant)
    client.force_login(applicant)

    response = upload(client, application, data, name)

    message = refusal_beside_the_field(client, response)
    assert f"“{name}” is not a file of an accepted type" in message
    assert "Accepted types: PDF." in message
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_png_named_pdf_is_judged_by_its_content(client, applicant):
    pdf_only = draft(applicant)
    client.force_login(applicant)
    response = upload(client, pdf_only, PNG, "scan.pdf")
    assert "Accepted types: PDF." in refusal_beside_the_field(client, response)
    assert not pdf_only.attachments.exists()

    images_too = draft(applicant, accepted=("pdf", "png"))
    response = upload(client, images_too, PNG, "scan.pdf")
    attachment = images_too.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "scan.png"  # the name says what the file is


def test_docx_accepted_but_a_plain_zip_renamed_docx_refused(client, applicant):
    application = draft(applicant, accepted=("docx",))
    client.force_login(applicant)

    refused = upload(client, application, plain_zip_bytes(), "annexe.docx")
    assert "Accepted types: Word (docx)." in refusal_beside_the_field(client, refused)
    assert not application.attachments.exists()

    application.refresh_from_db()
    upload(client, application, docx_bytes(), "annexe.docx")
    attachment = application.attachments.get()
    assert attachment.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_an_oversize_file_is_refused_and_nothing_is_stored(client, applicant):
    application = draft(applicant, max_size_mb=1)
    client.force_login(applicant)

    big = b"%PDF-1.4\n" + b"0" * int(1.2 * MB)
    response = upload(client, application, big, "gros.pdf")

    message = refusal_beside_the_field(client, response)
    assert "“gros.pdf” is 1.2 MB" in message
    assert "may not exceed 1 MB" in message
    assert not Attachment.objects.exists()
    assert stored_files() == []
    application.refresh_from_db()
    assert application.version == 1  # the draft did not change


def test_all_files_together_are_limited(client, applicant):
    application = draft(applicant, max_size_mb=1, total_mb=1)
    client.force_login(applicant)
    part = b"%PDF-1.4\n" + b"0" * int(0.6 * MB)

    upload(client, application, part, "premier.pdf")
    application.refresh_from_db()
    response = upload(client, application, part, "second.pdf", question=OTHER_QUESTION)

    refusal = refusal_beside_the_field(client, response, OTHER_QUESTION)
    assert "more than the 1 MB allowed" in refusal
    assert [a.original_name for a in application.attachments.all()] == ["premier.pdf"]
    assert len(stored_files()) == 1


def test_a_new_file_replaces_the_previous_one(
    client, applicant, real_pdf, django_capture_on_commit_callbacks
):
    application = draft(applicant)
    client.force_login(applicant)
    upload(client, application, real_pdf, "v1.pdf")
    first = application.attachments.get()
    application.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, application, real_pdf + b"\n% v2", "v2.pdf")

    assert [a.original_name for a in application.attachments.all()] == ["v2.pdf"]
    assert not Path(first.file.path).exists()
    assert len(stored_files()) == 1


def test_path_traversal_names_are_stored_safely_and_shown_clean(client, applicant, real_pdf):
    application = draft(applicant)
    client.force_login(applicant)

    upload(client, application, real_pdf, "../../etc/\x00pass\u202ewd.pdf")

    attachment = application.attachments.get()
    assert attachment.original_name == "passwd.pdf"
    assert attachment.file.name == f"applications/{application.pk}/{attachment.sha256}"
    response = client.get(reverse("applications:attachment", args=[application.pk, attachment.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'


def test_the_lead_team_members_and_staff_download_with_safe_headers(
    client, applicant, other_applicant, programme_manager, real_pdf
):
    application = draft(applicant)
    client.force_login(applicant)
    upload(client, application, real_pdf, "lettre.pdf")
    url = reverse(
        "applications:attachment", args=[application.pk, application.attachments.get().pk]
    )
    # A member who accepted the invitation (their row's address typed in capitals).
    joined_member(application, other_applicant, email=other_applicant.email.upper(), is_lead=True)

    for person in (applicant, other_applicant, programme_manager):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == real_pdf
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="lettre.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]


def test_another_applicant_gets_404_on_download_upload_and_delete(
    client, applicant, other_applicant, real_pdf
):
    application = draft(applicant)
    client.force_login(applicant)
    upload(client, application, real_pdf, "lettre.pdf")
    attachment = application.attachments.get()
    application.refresh_from_db()

    client.force_login(other_applicant)
    download = reverse("applications:attachment", args=[application.pk, attachment.pk])
    delete = reverse("applications:delete_attachment", args=[application.pk, attachment.pk])
    assert client.get(download).status_code == 404
    assert upload(client, application, real_pdf, "intrus.pdf").status_code == 404
    assert client.post(delete, {"version": application.version}).status_code == 404
    assert [a.original_name for a in application.attachments.all()] == ["lettre.pdf"]


def test_a_file_of_another_application_is_not_found_through_mine(client, applicant, real_pdf):
    mine, theirs = draft(applicant), draft(ApplicationFactory().lead)
    client.force_login(theirs.lead)
    upload(client, theirs, real_pdf, "autre.pdf")
    client.force_login(applicant)

    url = reverse("applications:attachment", args=[mine.pk, theirs.attachments.get().pk])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, applicant, real_pdf):
    application = draft(applicant)
    response = upload(client, application, real_pdf, "lettre.pdf")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Attachment.objects.exists()


def test_a_stale_version_is_refused(client, applicant, real_pdf):
    application = draft(applicant)
    client.force_login(applicant)
    loaded_version = application.version
    save_draft(
        application, loaded_version, actor=application.lead, title="Changé ailleurs", answers={}
    )

    response = upload(client, application, real_pdf, "lettre.pdf", version=loaded_version)

    assert "This draft was changed elsewhere" in refusal_beside_the_field(client, response)
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_fetch_requests_get_json_with_the_new_version(client, applicant, real_pdf):
    application = draft(applicant)
    client.force_login(applicant)

    response = upload(client, application, real_pdf, "lettre.pdf", X_Requested_With="fetch")
    data = response.json()
    assert data["ok"] is True
    assert data["version"] == application.version + 1
    assert data["attachment"]["name"] == "lettre.pdf"

    stale = upload(client, application, real_pdf, "lettre.pdf", version=1, X_Requested_With="fetch")
    assert stale.status_code == 409
    assert stale.json()["stale"] is True


def test_delete_removes_the_file(client, applicant, real_pdf, django_capture_on_commit_callbacks):
    application = draft(applicant)
    client.force_login(applicant)
    upload(client, application, real_pdf, "lettre.pdf")
    attachment = application.attachments.get()
    application.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:delete_attachment", args=[application.pk, attachment.pk]),
            {"version": application.version},
        )

    assert "“lettre.pdf” was removed." in shown_messages(response)
    assert not application.attachments.exists()
    assert stored_files() == []


def test_no_upload_after_submission(client, applicant, programme_manager, real_pdf):
    application = draft(applicant)
    client.force_login(applicant)
    upload(client, application, real_pdf, "lettre.pdf")
    submit_application(application, applicant)
    application.refresh_from_db()

    response = upload(client, application, real_pdf, "autre.pdf", question=OTHER_QUESTION)

    assert "This application is submitted: it can no longer be changed." in shown_messages(response)
    assert application.attachments.count() == 1
    assert len(stored_files()) == 1

    # Staff reopen it: the draft takes files again.
    reopen_application(application, programme_manager, "Pièce manquante")
    application.refresh_from_db()
    upload(client, application, real_pdf, "autre.pdf", question=OTHER_QUESTION)
    assert application.attachments.count() == 2


def test_no_upload_or_removal_after_the_deadline(client, applicant, real_pdf):
    """Issue 13, finding 8: the edit was refused after the deadline, the upload was stored."""
    application = draft(applicant)
    client.force_login(applicant)
    upload(client, application, real_pdf, "lettre.pdf")
    kept = application.attachments.get()
    Call.objects.filter(pk=application.call_id).update(
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(seconds=1),
    )
    application.refresh_from_db()

    response = upload(client, application, real_pdf, "autre.pdf", question=OTHER_QUESTION)

    assert "The call has closed: this draft can no longer be changed." in shown_messages(response)
    assert list(application.attachments.all()) == [kept]
    assert len(stored_files()) == 1
    with pytest.raises(ApplicationError):
        add_attachment(
            application,
            OTHER_QUESTION,
            SimpleUploadedFile("autre.pdf", real_pdf, "application/pdf"),
            applicant,
            application.version,
        )
    response = client.post(
        reverse("applications:delete_attachment", args=[application.pk, kept.pk]),
        {"version": application.version},
    )
    assert "The call has closed: this draft can no longer be changed." in shown_messages(response)
    assert application.attachments.count() == 1
    assert not applicant.has_perm("applications.edit_draft", application)
