"""The auditors' ZIP of one application: its submitted PDF, its files as submitted, the reviews,
the consensus report, the reply, the decision, the letters and the history, each counted in a
manifest with its SHA-256; for programme staff only."""

import csv
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.attachments import add_attachment
from applications.models import Application, ApplicationState
from applications.services import submit_application
from decisions.models import Letter
from reports.dossier_zip import safe_name
from reviews import assignments, deliberation, reviewing
from reviews.models import Assignment, Reply

from .factories import (
    ApplicationFactory,
    CallCriterionFactory,
    CallFactory,
    DecisionFactory,
    ReviewerFactory,
    support_letter_question,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "empty_private_folder")]

QUESTION = "q-letter"
UPLOADED_NAME = "../../Lettre de soutien (signée).pdf"
NAMES = [
    "depots/recepisse-{reference}-1.pdf",
    "pieces-jointes/01-Lettre_de_soutien_signee.pdf",
    "expertises.txt",
    "rapport-de-synthese.txt",
    "reponse-du-porteur.txt",
    "decision.txt",
    "courriers/courrier-01-fr.pdf",
    "historique.csv",
    "manifeste.csv",
]


@pytest.fixture(scope="module")
def support_letter():
    from weasyprint import HTML

    return HTML(string="<h1>Lettre de soutien</h1><p>Nous soutenons ce projet.</p>").write_pdf()


@pytest.fixture
def dossier(applicant, programme_manager, support_letter):
    """A submitted application, reviewed, with a final consensus, a reply, a decision and its
    letter."""
    call = CallFactory(
        questions=[support_letter_question(QUESTION, required=True)], reviewers_per_application=1
    )
    CallCriterionFactory(call=call, name_en="Quality", name_fr="Qualité", scale_max=5)
    application = ApplicationFactory(
        call=call, lead=applicant, title="Photographies d'Afrique", complete=True
    )
    upload = SimpleUploadedFile(UPLOADED_NAME, support_letter, content_type="application/pdf")
    add_attachment(application, QUESTION, upload, applicant, application.version)
    submit_application(application, applicant)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.ELIGIBLE)
    application.refresh_from_db()

    reviewer = ReviewerFactory(first_name="Rose", last_name="Relectrice")
    assignments.assign_reviewer(application, reviewer, programme_manager)
    assignment = Assignment.objects.get(application=application)
    assignments.accept_assignment(assignment, reviewer)
    criterion = call.criteria.get()
    reviewing.submit_review(
        assignment,
        reviewer,
        {
            "scores": {criterion.pk: ("4", "Corpus bien choisi.")},
            "comment_for_applicant": "Un projet solide.",
            "confidential_comment": "Équipe fragile, à suivre.",
            "recommendation": "fund",
        },
    )
    deliberation.set_rapporteur(application, reviewer, programme_manager)
    deliberation.save_consensus(
        application,
        reviewer,
        {
            "scores": {criterion.pk: ("4", "")},
            "majority_view": "Avis majoritaire : financer.",
            "comment_for_applicant": "Un bon projet.",
            "recommendation": "fund",
        },
        finalise=True,
    )
    Reply.objects.create(
        application=application, text="Le calendrier est tenable.", author=applicant
    )
    decision = DecisionFactory(
        application=application,
        amount_granted=Decimal("8000.00"),
        motivation="Projet solide, bien construit.",
        decided_by=programme_manager,
    )
    Letter.objects.create(
        decision=decision,
        outcome="funded",
        language="fr",
        subject="Décision de financement",
        body="Madame, nous avons le plaisir de vous annoncer…",
        sent_by=programme_manager,
    )
    return application


def zip_url(application):
    return reverse("audit:dossier_zip", args=[application.pk])


def fetch(client, application):
    response = client.get(zip_url(application))
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def manifest(archive, folder):
    text = archive.read(f"{folder}/manifeste.csv").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_staff_download_the_whole_dossier_with_a_manifest(
    client, programme_manager, dossier, support_letter
):
    client.force_login(programme_manager)

    response, archive = fetch(client, dossier)

    reference = dossier.reference
    folder = f"dossier-{reference}"
    assert response["Content-Type"] == "application/zip"
    assert f'filename="dossier-{reference}.zip"' in response["Content-Disposition"]
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert archive.namelist() == [f"{folder}/{name.format(reference=reference)}" for name in NAMES]
    assert archive.read(f"{folder}/depots/recepisse-{reference}-1.pdf").startswith(b"%PDF-")
    assert archive.read(f"{folder}/courriers/courrier-01-fr.pdf").startswith(b"%PDF-")
    assert archive.read(f"{folder}/pieces-jointes/01-Lettre_de_soutien_signee.pdf") == (
        support_letter
    )

    rows = manifest(archive, folder)
    assert rows[0] == ["File", "Size (bytes)", "SHA-256", "Contents"]
    assert [row[0] for row in rows[1:]] == [name.format(reference=reference) for name in NAMES[:-1]]
    for name, size, sha256, _contents in rows[1:]:
        data = archive.read(f"{folder}/{name}")
        assert (int(size), sha256) == (len(data), hashlib.sha256(data).hexdigest()), name
    assert rows[2][2] == hashlib.sha256(support_letter).hexdigest()
    assert "Lettre de soutien (signée).pdf" in rows[2][3]


def test_the_texts_hold_the_reviews_the_consensus_the_reply_and_the_decision(
    client, programme_manager, dossier
):
    client.force_login(programme_manager)

    _response, archive = fetch(client, dossier)

    folder = f"dossier-{dossier.reference}"
    reviews = archive.read(f"{folder}/expertises.txt").decode()
    for expected in (
        "Rose Relectrice <",
        "Quality (weight 1, from 0 to 5): 4",
        "Corpus bien choisi.",
        "Un projet solide.",
        "Équipe fragile, à suivre.",
        "Recommendation: Fund",
        "Score (/20): 16",
    ):
        assert expected in reviews, expected
    consensus = archive.read(f"{folder}/rapport-de-synthese.txt").decode()
    assert (
        "Avis majoritaire : financer." in consensus and "Rapporteur: Rose Relectrice" in consensus
    )
    assert "Le calendrier est tenable." in archive.read(f"{folder}/reponse-du-porteur.txt").decode()
    decision = archive.read(f"{folder}/decision.txt").decode()
    assert "Decision: Funded" in decision and "€8,000" in decision
    assert "Projet solide, bien construit." in decision
    history = archive.read(f"{folder}/historique.csv").decode("utf-8-sig")
    assert "Review submitted" in history and "Consensus report finalised" in history


def test_a_file_missing_from_storage_is_named_in_the_manifest(client, programme_manager, dossier):
    attachment = dossier.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(programme_manager)

    _response, archive = fetch(client, dossier)

    folder = f"dossier-{dossier.reference}"
    assert f"{folder}/pieces-jointes/01-Lettre_de_soutien_signee.pdf" not in archive.namelist()
    row = manifest(archive, folder)[2]
    assert row[0] == "pieces-jointes/01-Lettre_de_soutien_signee.pdf"
    assert row[1] == "" and row[2] == attachment.sha256 and "missing from storage" in row[3]


def test_an_application_with_nothing_yet_still_gives_every_text(client, programme_manager):
    application = ApplicationFactory(call=CallFactory(), complete=True)
    client.force_login(programme_manager)

    _response, archive = fetch(client, application)

    folder = f"dossier-{application.reference}"
    assert archive.namelist() == [
        f"{folder}/{name}"
        for name in (
            "expertises.txt",
            "rapport-de-synthese.txt",
            "reponse-du-porteur.txt",
            "decision.txt",
            "historique.csv",
            "manifeste.csv",
        )
    ]
    assert "No submitted review." in archive.read(f"{folder}/expertises.txt").decode()


def test_names_inside_the_zip_are_only_names():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_name("Lettre de soutien (signée).pdf") == "Lettre_de_soutien_signee.pdf"
    assert safe_name("..") == "fichier" and safe_name("/") == "fichier"
    assert safe_name("a" * 300 + ".pdf") == "a" * 76 + ".pdf"


@pytest.mark.parametrize("persona", ["lead", "other applicant", "council member", "reviewer"])
def test_only_programme_staff_download_the_dossier(
    client, dossier, applicant, other_applicant, council_member, persona
):
    people = {
        "lead": applicant,
        "other applicant": other_applicant,
        "council member": council_member,
        "reviewer": Assignment.objects.get(application=dossier).reviewer,
    }
    client.force_login(people[persona])

    assert client.get(zip_url(dossier)).status_code == 404


def test_the_dossier_asks_anonymous_visitors_to_sign_in(client, dossier):
    response = client.get(zip_url(dossier))

    assert response.status_code == 302 and "login" in response["Location"]
