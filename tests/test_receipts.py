"""The receipt: e-mailed to the lead on submission, rendered from the frozen snapshot only."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from applications.receipts import render_receipt
from applications.services import reopen_application, save_draft, submit_application
from applications.snapshot import fingerprint

from .factories import ApplicationFactory, BudgetLineFactory, CallFactory, TeamMemberFactory

QUESTIONS = [
    {
        "type": "section",
        "id": "s-project",
        "value": {"title": "Le projet", "title_en": "The project", "intro": ""},
    },
    {
        "type": "text",
        "id": "q-acronym",
        "value": {
            "label": "Acronyme du projet",
            "label_en": "Project acronym",
            "help_text": "",
            "required": True,
            "max_length": 40,
        },
    },
    {
        "type": "long_text",
        "id": "q-summary",
        "value": {
            "label": "Résumé",
            "label_en": "Summary",
            "help_text": "",
            "required": True,
            "max_words": 300,
        },
    },
]
ANSWERS = {"q-acronym": "NUMAFRIQ", "q-summary": "Numériser les fonds photographiques."}

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext (poppler-utils) is not installed: the PDF's text cannot be checked",
)


def layout_text(pdf: bytes) -> str:
    """The PDF's text laid out as on the page (poppler's pdftotext -layout)."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def compact(text):
    return "".join(text.split())


def submitted(lead, title="Photographies d'Afrique", answers=ANSWERS, capture=None):
    call = CallFactory(questions=QUESTIONS)
    application = ApplicationFactory(call=call, lead=lead, title=title, complete=True)
    save_draft(
        application, application.version, actor=application.lead, title=title, answers=answers
    )
    BudgetLineFactory(
        application=application,
        category="equipment",
        description="Banc de reproduction",
        amount_requested=Decimal("2500.50"),
        cofunding=Decimal("1000.00"),
    )
    if capture is None:
        return application, submit_application(application, lead)
    with capture(execute=True):
        submission = submit_application(application, lead)
    return application, submission


def test_submitting_mails_the_receipt_to_the_lead(applicant, django_capture_on_commit_callbacks):
    application, submission = submitted(applicant, capture=django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.to == [applicant.email]
    assert application.reference in message.subject
    assert submission.fingerprint in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and submission.fingerprint in html
    [(filename, pdf, content_type)] = message.attachments
    assert filename == f"recepisse-{application.reference}-1.pdf"
    assert content_type == "application/pdf"
    assert pdf.startswith(b"%PDF-")


@needs_pdftotext
def test_the_receipt_shows_the_submitted_content_and_its_fingerprint(
    applicant, django_capture_on_commit_callbacks
):
    application, submission = submitted(applicant, capture=django_capture_on_commit_callbacks)
    [(_, pdf, _)] = mail.outbox[0].attachments

    text = layout_text(pdf)
    assert "Photographies d'Afrique" in text
    assert application.reference in text
    assert submission.fingerprint in compact(text)
    assert "NUMAFRIQ" in text
    assert "Numériser les fonds photographiques." in text
    assert "Chercheuse" in text and "Bibliothécaire" in text
    assert "Banc de reproduction" in compact(text) or "Banc de reproduction" in text
    assert "12500,50" in compact(text)  # the total requested, in French
    assert "1 / 1" in text or "1 / 2" in text  # page numbers


@needs_pdftotext
def test_the_snapshot_and_its_receipt_do_not_follow_later_changes(applicant, programme_manager):
    application, submission = submitted(applicant)
    old_fingerprint = submission.fingerprint

    reopen_application(application, programme_manager, "Budget à préciser")
    application.refresh_from_db()
    save_draft(
        application,
        application.version,
        actor=application.lead,
        title="Titre réécrit",
        answers={"q-acronym": "NOUVEAU", "q-summary": "Tout autre chose."},
    )
    application.team.update(name="Quelqu'un d'autre")
    TeamMemberFactory(application=application, name="Nouvelle recrue")

    submission.refresh_from_db()
    assert submission.content["title"] == "Photographies d'Afrique"
    assert submission.content["answers"] == ANSWERS
    assert submission.fingerprint == old_fingerprint == fingerprint(submission.content)
    text = layout_text(render_receipt(submission, "fr"))
    assert "Photographies d'Afrique" in text and "NUMAFRIQ" in text and "Chercheuse" in text
    assert "Titre réécrit" not in text
    assert "NOUVEAU" not in text
    assert "Nouvelle recrue" not in text
    assert old_fingerprint in compact(text)


def test_the_receipt_page_serves_the_pdf_to_the_lead_only(client, applicant, other_applicant):
    application, submission = submitted(applicant)
    url = reverse("applications:receipt", args=[application.pk, submission.number])

    client.force_login(applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="recepisse-{application.reference}-1.pdf"'
    )
    assert response.content.startswith(b"%PDF-")

    assert client.get(reverse("applications:receipt", args=[application.pk, 2])).status_code == 404
    client.force_login(other_applicant)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@needs_pdftotext
def test_a_lead_who_reads_english_gets_the_receipt_in_english(
    applicant, django_capture_on_commit_callbacks
):
    applicant.language = "en"
    applicant.save(update_fields=["language"])

    application, submission = submitted(applicant, capture=django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject == f"[CollEx-Persée] Application {application.reference} received"
    assert "We have received your application" in message.body
    [(_, pdf, _)] = message.attachments
    text = layout_text(pdf)
    assert "Receipt of submission" in text
    assert "(Paris time)" in text
    assert "Project acronym" in text and "The project" in text  # the questions' English labels
    assert "12,500.50" in text
    assert translation.get_language() == "fr"  # the task did not leak its language
