"""Documents of a call are public once the call is published, and not before."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from calls.models import CallDocument

from .factories import CallFactory

pytestmark = pytest.mark.django_db


def call_text(call, name="texte-appel.pdf"):
    document = Document.objects.create(
        title="Texte de l'appel", file=ContentFile(b"%PDF-1.4 demo", name=name)
    )
    CallDocument.objects.create(call=call, document=document, sort_order=0)
    call.save()  # the reference index is rebuilt when the call is saved, as in the admin
    return document


def test_a_published_call_document_can_be_downloaded_by_anyone(client):
    document = call_text(CallFactory())
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"


def test_a_draft_call_document_is_hidden_from_visitors_and_applicants(client, applicant):
    document = call_text(CallFactory(draft=True), name="brouillon.pdf")
    assert client.get(document.url).status_code == 404
    client.force_login(applicant)
    assert client.get(document.url).status_code == 404


def test_staff_can_download_the_document_of_a_draft_call(client, programme_manager):
    document = call_text(CallFactory(draft=True), name="brouillon.pdf")
    client.force_login(programme_manager)
    assert client.get(document.url).status_code == 200


def test_a_document_used_nowhere_is_not_public(client):
    document = Document.objects.create(
        title="Notes internes", file=ContentFile(b"%PDF-1.4 internal", name="notes.pdf")
    )
    assert client.get(document.url).status_code == 404


def test_unpublishing_a_call_hides_its_documents(client):
    call = CallFactory()
    document = call_text(call)
    assert client.get(document.url).status_code == 200
    call.unpublish()
    assert client.get(document.url).status_code == 404
