"""What a signed-in user sees is kept by no cache (Cache-Control: no-store, private): their pages,
their files, staff exports. Anonymous visitors' public pages and static files keep their caching."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Attachment

from .factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def kept_by_no_cache(response):
    return {"no-store", "private"} <= directives(response)


def test_an_applicants_pages_are_not_stored(client, applicant):
    ApplicationFactory(lead=applicant)
    client.force_login(applicant)

    mine = client.get(reverse("applications:mine"))
    calls = client.get(reverse("calls:list"))  # public, but the header names the user

    assert mine.status_code == calls.status_code == 200
    assert kept_by_no_cache(mine)
    assert kept_by_no_cache(calls)


def test_an_anonymous_visitors_public_page_keeps_its_caching(client):
    CallFactory()

    response = client.get(reverse("calls:list"))

    assert response.status_code == 200
    assert "no-store" not in directives(response)


def test_a_private_file_is_not_stored(client, applicant):
    application = ApplicationFactory(lead=applicant)
    attachment = Attachment.objects.create(
        application=application,
        question_id="q-letter",
        file=ContentFile(PDF, name="lettre.pdf"),
        original_name="lettre.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    client.force_login(applicant)

    response = client.get(reverse("applications:attachment", args=[application.pk, attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert kept_by_no_cache(response)
    assert "no-cache" in directives(response)  # what the download said already stays


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_staff_export_is_not_stored(client, programme_manager, fmt):
    call = CallFactory()
    ApplicationFactory(call=call, state="submitted")
    client.force_login(programme_manager)

    response = client.get(reverse("applications:export", kwargs={"slug": call.slug, "fmt": fmt}))

    assert response.status_code == 200
    assert kept_by_no_cache(response)


def test_static_files_keep_their_caching_for_a_signed_in_user(client, applicant):
    client.force_login(applicant)

    response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert "no-store" not in directives(response)
