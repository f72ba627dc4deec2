"""Private files in an S3-compatible bucket (AWS_STORAGE_BUCKET_NAME set): attachments and reports
are written to it, read from it only after the application's permission check, checked in it by
verify_integrity, and deleted from it with their rows.

moto's server mode stands in for S3: a real HTTP server speaking the S3 protocol, started on a free
port of 127.0.0.1 by each test process (each xdist worker its own), with a private bucket. The
tests set the same environment variables as production (config/storage.py builds STORAGES from
them) and look into the bucket with boto3, never through the application's code.
"""

import io
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from applications.attachments import add_attachment
from applications.models import Attachment
from applications.services import submit_application
from config.environment import Env
from config.storage import SIGNED_ADDRESS_SECONDS, private_storage_entry
from privacy.anonymise import anonymise_application
from reports.models import Report

from .factories import ApplicationFactory, CallFactory, in_review_application
from .factories import support_letter_question as letter_question
from .reading import verify_integrity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

BUCKET = "collex-private"
PREFIX = "collex"
REGION = "eu-west-3"
QUESTION = "q-letter"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nLettre de soutien\n%%EOF\n"


@dataclass
class ObjectStorage:
    endpoint: str
    s3: object  # a boto3 client, as the operator's tools would use

    def keys(self):
        listed = self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def content(self, key):
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def empty(self):
        for key in self.keys():
            self.s3.delete_object(Bucket=BUCKET, Key=key)


@pytest.fixture(scope="session")
def object_storage():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="collex-test",
        aws_secret_access_key="collex-test-secret",
    )
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    try:
        yield ObjectStorage(endpoint, s3)
    finally:
        server.stop()


@pytest.fixture
def bucket(object_storage, settings, monkeypatch):
    """STORAGES["private"] as production builds it from the environment, on the moto bucket,
    emptied for each test."""
    object_storage.empty()
    environment = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_LOCATION": PREFIX,
        "AWS_S3_ENDPOINT_URL": object_storage.endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "collex-test",
        "AWS_SECRET_ACCESS_KEY": "collex-test-secret",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    entry = private_storage_entry(Env(), Path(settings.PRIVATE_MEDIA_ROOT))
    settings.STORAGES = {**settings.STORAGES, "private": entry}
    return object_storage


def anonymous_get(url):
    """The status of a plain GET, with no signature and no credentials (nor any proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def upload(client, application, data, name="lettre.pdf"):
    return client.post(
        reverse("applications:upload", args=[application.pk, QUESTION]),
        {
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
            "version": application.version,
        },
    )


def draft_with_letter(client, applicant):
    """The applicant's draft, with a support letter sent through the draft page."""
    application = ApplicationFactory(
        call=CallFactory(questions=[letter_question(QUESTION)]), lead=applicant, complete=True
    )
    client.force_login(applicant)
    assert upload(client, application, PDF).status_code == 302
    return application


def submitted_with_letter(letter=PDF):
    application = ApplicationFactory(
        call=CallFactory(questions=[letter_question(QUESTION)]), complete=True
    )
    upload = SimpleUploadedFile("lettre.pdf", letter, content_type="application/pdf")
    add_attachment(application, QUESTION, upload, application.lead, application.version)
    submit_application(application, application.lead)
    return application


def test_without_a_bucket_private_files_stay_in_their_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    assert private_storage_entry(Env(), tmp_path) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path, "base_url": None},
    }


def test_an_upload_lands_in_the_bucket_where_nobody_reads_it_unsigned(
    client, applicant, bucket, empty_private_folder
):
    application = draft_with_letter(client, applicant)

    attachment = application.attachments.get()
    key = f"{PREFIX}/applications/{application.pk}/{attachment.sha256}"
    assert bucket.keys() == [key]
    assert bucket.content(key) == PDF
    grants = bucket.s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's, only
    assert anonymous_get(f"{bucket.endpoint}/{BUCKET}/{key}") == 403
    # The same GET with a signature goes through: the refusal is the bucket's, not the server's.
    signed = attachment.file.url
    assert f"X-Amz-Expires={SIGNED_ADDRESS_SECONDS}&" in signed
    assert anonymous_get(signed) == 200
    assert not Path(settings.PRIVATE_MEDIA_ROOT).exists()  # nothing went to the local folder


def test_the_owner_downloads_through_the_application_another_applicant_does_not(
    client, applicant, other_applicant, bucket
):
    application = draft_with_letter(client, applicant)
    download = reverse(
        "applications:attachment", args=[application.pk, application.attachments.get().pk]
    )

    response = client.get(download)
    assert response.status_code == 200  # streamed from the bucket, not a redirect to it
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="lettre.pdf"'

    client.force_login(other_applicant)
    assert client.get(download).status_code == 404


def test_a_file_removed_from_the_draft_leaves_the_bucket(
    client, applicant, bucket, django_capture_on_commit_callbacks
):
    application = draft_with_letter(client, applicant)
    application.refresh_from_db()
    attachment = application.attachments.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("applications:delete_attachment", args=[application.pk, attachment.pk]),
            {"version": application.version},
        )

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert bucket.keys() == []


def test_a_report_is_built_into_the_bucket_and_downloaded_by_staff(
    client, programme_manager, applicant, bucket, django_capture_on_commit_callbacks
):
    call = CallFactory(closed=True)
    in_review_application(call)
    client.force_login(programme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:call_reports", args=[call.slug]), {"kind": "call", "language": "fr"}
        )

    report = Report.objects.get()
    assert bucket.keys() == [f"{PREFIX}/{report.file.name}"]
    stored = bucket.content(f"{PREFIX}/{report.file.name}")
    assert stored.startswith(b"%PDF")
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert b"".join(response.streaming_content) == stored
    client.force_login(applicant)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_the_auditors_zip_holds_the_file_read_from_the_bucket(client, programme_manager, bucket):
    application = submitted_with_letter()

    client.force_login(programme_manager)
    response = client.get(reverse("audit:dossier_zip", args=[application.pk]))

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    folder = f"dossier-{application.reference}"
    assert archive.read(f"{folder}/pieces-jointes/01-lettre.pdf") == PDF
    manifest = archive.read(f"{folder}/manifeste.csv").decode()
    sha256 = application.attachments.get().sha256
    assert f"01-lettre.pdf;{len(PDF)};{sha256};Attachment “lettre.pdf” as submitted\r\n" in manifest


def test_verify_integrity_reads_every_file_from_the_bucket(bucket):
    intact, changed, removed = (submitted_with_letter(PDF + bytes([n])) for n in range(3))
    output, status = verify_integrity()
    assert (output.strip(), status) == (
        "Checked 3 submissions and 3 stored files: 0 mismatches, 0 missing.",
        0,
    )

    changed_key, removed_key = (
        f"{PREFIX}/{application.attachments.get().file.name}" for application in (changed, removed)
    )
    bucket.s3.put_object(Bucket=BUCKET, Key=changed_key, Body=b"%PDF-1.4\nune autre lettre\n")
    bucket.s3.delete_object(Bucket=BUCKET, Key=removed_key)
    output, status = verify_integrity()

    assert status == 1
    assert f"MISSING attachment {removed.attachments.get().file.name} (lettre.pdf" in output
    assert f"MISMATCH attachment {changed.attachments.get().file.name} (lettre.pdf" in output
    assert intact.attachments.get().file.name not in output
    assert "Checked 3 submissions and 3 stored files: 1 mismatch, 1 missing." in output


def test_anonymising_an_application_deletes_its_files_from_the_bucket(
    bucket, django_capture_on_commit_callbacks
):
    kept, anonymised = submitted_with_letter(PDF + b"1"), submitted_with_letter(PDF + b"2")
    kept_key = f"{PREFIX}/{kept.attachments.get().file.name}"
    assert len(bucket.keys()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_application(anonymised, rule="not_funded")

    assert bucket.keys() == [kept_key]


@pytest.mark.parametrize("acl", ["public-read", "public-read-write", "authenticated-read"])
def test_an_acl_that_would_publish_the_files_stops_the_start(monkeypatch, tmp_path, acl):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "collex-private")
    monkeypatch.setenv("AWS_DEFAULT_ACL", acl)
    with pytest.raises(ImproperlyConfigured, match="AWS_DEFAULT_ACL"):
        private_storage_entry(Env(), tmp_path)


@pytest.mark.parametrize(("given", "sent"), [("private", "private"), ("", None)])
def test_the_objects_acl_is_private_or_left_to_the_bucket(monkeypatch, tmp_path, given, sent):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "collex-private")
    monkeypatch.setenv("AWS_DEFAULT_ACL", given)
    assert private_storage_entry(Env(), tmp_path)["OPTIONS"]["default_acl"] == sent
