"""The auditors' ZIP of one application: its submitted PDF, its files as submitted, the reviews,
the consensus report, the reply, the decision, the letters and the history, each counted in a
manifest with its SHA-256; for programme staff only."""

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.attachments import add_attachment
from applications.models import Application, ApplicationState
from applications.services import submit_application
from decisions.models import Letter
from projects import payments as payments_
from projects import services
from projects.models import (
    AgreementVersion,
    Amendment,
    AmendmentKind,
    AmendmentState,
    Condition,
    Party,
    ProjectReport,
    ReportState,
    Signature,
)
from projects.report_files import add_report_file
from projects.reports import save_report_draft, submit_report
from reports.dossier_zip import safe_name
from reviews import assignments, deliberation, reviewing
from reviews.models import Assignment, Reply

from .factories import (
    ApplicationFactory,
    CallCriterionFactory,
    CallFactory,
    DecisionFactory,
    DeliverableFactory,
    InstitutionFactory,
    ProjectReportFactory,
    ReviewerFactory,
    report_question,
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


# The funded project (issue 17)

SIGNED = dt.date(2026, 3, 16)
PROJECT_NAMES = [
    "projet/projet.txt",
    "projet/conventions.csv",
    "projet/conventions/convention-v1.pdf",
    "projet/conventions/convention-v2.pdf",
    "projet/signatures.csv",
    "projet/signatures/convention-v1-carrier.pdf",
    "projet/signatures/convention-v1-network.pdf",
    "projet/echeancier.csv",
    "projet/versements.csv",
    "projet/avenants.csv",
    "projet/avenants/avenant-01-Lettre_du_president.pdf",
    "projet/rapports/rapports.csv",
    "projet/livrables.csv",
    "projet/historique-projet.csv",
]


def fake_pdf(words):
    return f"%PDF-1.7\n% {words}\n%%EOF\n".encode()


def stored(instance, field, data, name="document.pdf"):
    """`data` saved in the file field `field` of `instance`, with its fingerprint."""
    instance.sha256 = hashlib.sha256(data).hexdigest()
    getattr(instance, field).save(name, ContentFile(data), save=False)
    instance.save()
    return instance


def agreement_version(project, number, staff, **values):
    version = AgreementVersion(
        project=project,
        number=number,
        language="fr",
        title="Convention attributive d'aide",
        body="Entre les soussignés…",
        figures={"amount": str(project.amount_granted)},
        created_by=staff,
        **values,
    )
    return stored(version, "pdf", fake_pdf(f"convention v{number}"))


def signature(version, party, signer, staff):
    copy = fake_pdf(f"v{version.number} signée par {party}")
    return stored(
        Signature(
            version=version,
            party=party,
            signer_name=signer,
            signer_role="Président",
            signed_on=SIGNED,
            original_name=f"{party}.pdf",
            size=len(copy),
            recorded_by=staff,
        ),
        "signed_copy",
        copy,
    )


def amendment(project, lead, staff, **values):
    return Amendment.objects.create(
        project=project,
        kind=AmendmentKind.EXTENSION,
        state=AmendmentState.ACCEPTED,
        justification="Le prestataire de numérisation a pris du retard.",
        extension_months=6,
        asked_by=lead,
        decided_by=staff,
        decided_at=timezone.now(),
        decision_reason="Retard justifié.",
        **values,
    )


def run_project(dossier, staff, *, versions=2, payments=1, amendments=1):
    """The dossier's project: carrier set, agreement signed (version 1, both parties), a
    70/30 schedule, payments (the first one's condition overridden), amendments, the
    first with an attachment, and a second version made for it."""
    project = services.create_project(dossier.decision, staff)
    services.set_carrier(
        project,
        staff,
        carrier=InstitutionFactory(name="Université de Lille"),
        finance_contact_name="Agence comptable",
        finance_contact_email="agence.comptable@example.org",
    )
    first = agreement_version(project, 1, staff, reason="Première version")
    signature(first, Party.CARRIER, "Régis Bordet", staff)
    signature(first, Party.NETWORK, "Marie Réseau", staff)
    AgreementVersion.objects.filter(pk=first.pk).update(signed_at=timezone.now())
    services.sign_agreement(project, staff, signed_on=SIGNED, start_date=SIGNED, duration_months=24)
    payments_.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": "À la signature",
                "share": Decimal("70"),
                "amount": None,
                "planned_on": SIGNED,
                "condition": Condition.REPORT_ACCEPTED,
            },
            {
                "instalment": None,
                "label": "Rapport final",
                "share": Decimal("30"),
                "amount": None,
                "planned_on": SIGNED,
                "condition": Condition.NONE,
            },
        ],
        staff,
    )
    at_signature = project.instalments.first()
    for number in range(1, payments + 1):
        payments_.record_payment(
            at_signature,
            paid_on=SIGNED,
            amount=Decimal("100.00"),
            reference=f"=MDT-{number:04d}",
            actor=staff,
            override_reason="Rapport reçu, relu en séance.",
        )
    asked = []
    for number in range(amendments):
        made = amendment(project, dossier.lead, staff)
        if number == 0:
            made.attachment_name = "Lettre du président.pdf"
            stored(made, "attachment", fake_pdf("lettre du président"), "lettre.pdf")
        asked.append(made)
    for number in range(2, versions + 1):
        agreement_version(
            project, number, staff, reason="Avenant de prolongation", amendment=asked[0]
        )
    return project


def table_rows(archive, folder, name):
    text = archive.read(f"{folder}/{name}").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_zip_of_a_funded_application_holds_its_project(client, programme_manager, dossier):
    project = run_project(dossier, programme_manager)
    client.force_login(programme_manager)

    _response, archive = fetch(client, dossier)

    folder = f"dossier-{dossier.reference}"
    names = [name.removeprefix(f"{folder}/") for name in archive.namelist()]
    assert names[names.index("projet/projet.txt") - 1] == "courriers/courrier-01-fr.pdf"
    assert [name for name in names if name.startswith("projet/")] == PROJECT_NAMES
    assert names[-2:] == ["historique.csv", "manifeste.csv"]
    version = project.agreement_versions.get(number=1)
    assert archive.read(f"{folder}/projet/conventions/convention-v1.pdf") == fake_pdf(
        "convention v1"
    )
    assert archive.read(f"{folder}/projet/signatures/convention-v1-carrier.pdf") == fake_pdf(
        "v1 signée par carrier"
    )
    rows = {row[0]: row for row in manifest(archive, folder)[1:]}
    for name in PROJECT_NAMES:
        data = archive.read(f"{folder}/{name}")
        assert rows[name][1:3] == [str(len(data)), hashlib.sha256(data).hexdigest()], name
    assert rows["projet/conventions/convention-v1.pdf"][2] == version.sha256
    assert "Funding agreement, version 1" in rows["projet/conventions/convention-v1.pdf"][3]
    assert "Lettre du président.pdf" in rows[PROJECT_NAMES[10]][3]

    facts = archive.read(f"{folder}/projet/projet.txt").decode()
    for expected in (
        "State: Agreement signed",
        "Administrative carrier: Université de Lille",
        "Finance contact: Agence comptable",
        "Amount granted (EUR): €8,000",
        "Agreement signed on: March 16, 2026",
        "Duration (months): 24",
        "End date: March 15, 2028",
    ):
        assert expected in facts, expected


def test_the_project_tables_say_who_did_what_and_why(client, programme_manager, dossier):
    run_project(dossier, programme_manager)
    client.force_login(programme_manager)

    _response, archive = fetch(client, dossier)

    folder = f"dossier-{dossier.reference}"
    versions = table_rows(archive, folder, "projet/conventions.csv")
    assert versions[0][:6] == [
        "Version",
        "Language",
        "Title",
        "Made at",
        "Made by",
        "Why this version",
    ]
    assert [row[0] for row in versions[1:]] == ["1", "2"]
    assert versions[1][5] == "Première version" and versions[1][7] != ""
    assert versions[2][5] == "Avenant de prolongation" and versions[2][7] == ""
    assert versions[2][6] == "Extension of the end date"
    assert versions[1][4].startswith(programme_manager.get_full_name())

    signatures = table_rows(archive, folder, "projet/signatures.csv")
    assert [row[:5] for row in signatures[1:]] == [
        ["1", "Administrative carrier", "Régis Bordet", "Président", "2026-03-16"],
        ["1", "CollEx-Persée", "Marie Réseau", "Président", "2026-03-16"],
    ]

    schedule = table_rows(archive, folder, "projet/echeancier.csv")
    assert schedule[0][-1] == "Amount paid (EUR)"
    assert schedule[1] == [
        "1",
        "À la signature",
        "5600.00",
        "70.00",
        "2026-03-16",
        "Report accepted",
        "100.00",
    ]
    assert schedule[2][1:3] == ["Rapport final", "2400.00"] and schedule[2][-1] == "0.00"

    payments = table_rows(archive, folder, "projet/versements.csv")
    assert payments[0][:5] == [
        "Instalment",
        "Paid on",
        "Amount (EUR)",
        "Accounting reference",
        "Reason for paying without the condition",
    ]
    # A reference typed as a formula stays a text in a spreadsheet.
    assert payments[1][:5] == [
        "À la signature",
        "2026-03-16",
        "100.00",
        "'=MDT-0001",
        "Rapport reçu, relu en séance.",
    ]

    amendments = table_rows(archive, folder, "projet/avenants.csv")
    assert amendments[1][:4] == [
        "Extension of the end date",
        "Accepted",
        "Le prestataire de numérisation a pris du retard.",
        "6",
    ]
    assert amendments[1][8] == "Lettre du président.pdf" and amendments[1][-1] == "Retard justifié."

    history = archive.read(f"{folder}/projet/historique-projet.csv").decode("utf-8-sig")
    for action in (
        "Project created",
        "Carrier set",
        "Agreement signed",
        "Payment schedule set",
        "Payment recorded",
        "Payment made without its condition",
    ):
        assert action in history, action
    assert "Review submitted" not in history


def test_a_project_file_changed_or_gone_is_named_in_the_manifest(
    client, programme_manager, dossier
):
    project = run_project(dossier, programme_manager)
    version = project.agreement_versions.get(number=1)
    with version.pdf.storage.open(version.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.7 altered")
    copy = Signature.objects.get(version=version, party=Party.NETWORK).signed_copy
    copy.storage.delete(copy.name)
    client.force_login(programme_manager)

    _response, archive = fetch(client, dossier)

    folder = f"dossier-{dossier.reference}"
    rows = {row[0]: row for row in manifest(archive, folder)[1:]}
    assert "differs from the recorded fingerprint" in rows[PROJECT_NAMES[2]][3]
    gone = rows["projet/signatures/convention-v1-network.pdf"]
    assert gone[1] == "" and "missing from storage" in gone[3]
    assert f"{folder}/projet/signatures/convention-v1-network.pdf" not in archive.namelist()


def test_a_decision_without_project_gives_no_project_folder(client, programme_manager, dossier):
    client.force_login(programme_manager)

    _response, archive = fetch(client, dossier)

    assert not [name for name in archive.namelist() if "/projet/" in name]


@pytest.mark.parametrize("size", [1, 4])
def test_the_project_costs_the_same_whatever_its_rows(
    client, programme_manager, dossier, django_assert_num_queries, size
):
    project = run_project(
        dossier, programme_manager, versions=size + 1, payments=size, amendments=size
    )
    client.force_login(programme_manager)
    fetch(client, dossier)  # the session and the permissions cached

    # Each receipt reads the network's name (one query, as an application's receipt and a
    # letter do): the submissions stay at one, the reports and deliverables grow.
    report_on(project, dossier.lead)
    ProjectReportFactory.create_batch(size, project=project)
    DeliverableFactory.create_batch(size, project=project)
    fetch(client, dossier)

    with django_assert_num_queries(29):
        _response, archive = fetch(client, dossier)

    folder = f"dossier-{dossier.reference}"
    assert len(table_rows(archive, folder, "projet/versements.csv")) == size + 1
    assert len(table_rows(archive, folder, "projet/rapports/rapports.csv")) == size + 2
    assert len(table_rows(archive, folder, "projet/livrables.csv")) == size + 1


# The project's reports and deliverables (issue 18)


def report_on(project, lead, reports=1, submissions=1):
    """`reports` reports, each submitted `submissions` times by the lead with a file, the last
    one sent back for changes once more (as staff do) so that it can be submitted again."""
    made = []
    for number in range(1, reports + 1):
        report = ProjectReportFactory(
            project=project,
            title_fr=f"Rapport intermédiaire {number}",
            title_en=f"Interim report {number}",
            due_on=dt.date(2026, 9, number),
            questions=[report_question(), support_letter_question("q-annex")],
        )
        for round_ in range(1, submissions + 1):
            upload = SimpleUploadedFile(
                f"Annexe {number}-{round_}.pdf", fake_pdf(f"annexe {number} {round_}")
            )
            add_report_file(report, "q-annex", upload, lead, report.version)
            report.refresh_from_db()
            save_report_draft(
                report, report.version, actor=lead, answers={"q-summary": f"Étape {round_}."}
            )
            submit_report(report, lead)
            if round_ < submissions:
                ProjectReport.objects.filter(pk=report.pk).update(
                    state=ReportState.CHANGES_REQUESTED
                )
            report.refresh_from_db()
        made.append(report)
    return made


REPORT_NAMES = [
    "projet/rapports/rapports.csv",
    "projet/rapports/rapport-01/depot-1.json",
    "projet/rapports/rapport-01/recepisse-1.pdf",
    "projet/rapports/rapport-01/depot-1-fichiers/01-Annexe_1-1.pdf",
    "projet/rapports/rapport-01/depot-2.json",
    "projet/rapports/rapport-01/recepisse-2.pdf",
    "projet/rapports/rapport-01/depot-2-fichiers/01-Annexe_1-2.pdf",
    "projet/livrables.csv",
]


@pytest.fixture
def reported(dossier, programme_manager):
    """The dossier's project with a report submitted twice, a report still owed, a public and
    a private deliverable."""
    project = run_project(dossier, programme_manager)
    (report,) = report_on(project, dossier.lead, submissions=2)
    ProjectReport.objects.filter(pk=report.pk).update(
        state=ReportState.ACCEPTED,
        reviewed_at=timezone.now(),
        review_comment="Rapport complet.",
    )
    ProjectReportFactory(
        project=project, title_fr="Rapport final", title_en="", due_on=dt.date(2028, 3, 15)
    )
    DeliverableFactory(
        project=project, title="Corpus photographique", identifier="10.5281/zenodo.42"
    )
    DeliverableFactory(
        project=project,
        kind="software",
        title="Outil d'annotation",
        identifier_scheme="url",
        identifier="",
        url="https://example.org/outil",
        licence="MIT",
        is_public=False,
    )
    return project


def test_the_zip_holds_each_report_submission_as_received(client, programme_manager, reported):
    client.force_login(programme_manager)

    _response, archive = fetch(client, reported.decision.application)

    folder = f"dossier-{reported.decision.application.reference}"
    names = [name.removeprefix(f"{folder}/") for name in archive.namelist()]
    assert [name for name in names if name.startswith("projet/")][-len(REPORT_NAMES) - 1 :] == [
        *REPORT_NAMES,
        "projet/historique-projet.csv",
    ]
    rows = {row[0]: row for row in manifest(archive, folder)[1:]}
    for name in REPORT_NAMES:
        data = archive.read(f"{folder}/{name}")
        assert rows[name][1:3] == [str(len(data)), hashlib.sha256(data).hexdigest()], name
    first, second = reported.reports.get(title_fr="Rapport intermédiaire 1").submissions.order_by(
        "number"
    )
    # The snapshot is the content whose SHA-256 was recorded as the fingerprint at receipt.
    assert rows[REPORT_NAMES[1]][2] == first.fingerprint
    assert rows[REPORT_NAMES[4]][2] == second.fingerprint
    assert "differs" not in rows[REPORT_NAMES[1]][3]
    snapshot = json.loads(archive.read(f"{folder}/{REPORT_NAMES[4]}"))
    assert snapshot["answers"] == {"q-summary": "Étape 2."}
    assert archive.read(f"{folder}/{REPORT_NAMES[2]}").startswith(b"%PDF-")
    # Each submission's own file, as it listed it, though the second replaced the first.
    assert archive.read(f"{folder}/{REPORT_NAMES[3]}") == fake_pdf("annexe 1 1")
    assert archive.read(f"{folder}/{REPORT_NAMES[6]}") == fake_pdf("annexe 1 2")
    assert "Annexe 1-1.pdf" in rows[REPORT_NAMES[3]][3]


def test_the_reports_and_deliverables_tables(client, programme_manager, reported):
    client.force_login(programme_manager)

    _response, archive = fetch(client, reported.decision.application)

    folder = f"dossier-{reported.decision.application.reference}"
    reports = table_rows(archive, folder, "projet/rapports/rapports.csv")
    assert reports[0] == [
        "Kind",
        "Title",
        "State",
        "Due on",
        "Received at",
        "Reviewed at",
        "Comment",
        "Folder in the ZIP",
    ]
    assert reports[1][:4] == ["Interim report", "Interim report 1", "Accepted", "2026-09-01"]
    assert reports[1][4] != "" and reports[1][5] != ""
    assert reports[1][6:] == ["Rapport complet.", "projet/rapports/rapport-01"]
    assert reports[2][2:5] == ["To write", "2028-03-15", ""] and reports[2][-1] == ""

    deliverables = table_rows(archive, folder, "projet/livrables.csv")
    assert deliverables[0] == [
        "Kind",
        "Title",
        "Identifier",
        "Persistent identifier",
        "Link",
        "Licence",
        "Public",
        "Declared at",
    ]
    assert deliverables[1][1:7] == [
        "Corpus photographique",
        "DOI",
        "10.5281/zenodo.42",
        "https://doi.org/10.5281/zenodo.42",
        "Licence Ouverte / Open Licence 2.0",
        "yes",
    ]
    assert deliverables[2][1:7] == [
        "Outil d'annotation",
        "Web address only",
        "",
        "https://example.org/outil",
        "MIT",
        "no",
    ]


def test_a_report_file_or_snapshot_changed_is_named_in_the_manifest(
    client, programme_manager, reported
):
    report = reported.reports.get(title_fr="Rapport intermédiaire 1")
    first = report.submissions.get(number=1)
    type(first).objects.filter(pk=first.pk).update(content={**first.content, "answers": {}})
    gone = report.attachments.get(original_name="Annexe 1-2.pdf")
    gone.file.storage.delete(gone.file.name)
    client.force_login(programme_manager)

    _response, archive = fetch(client, reported.decision.application)

    folder = f"dossier-{reported.decision.application.reference}"
    rows = {row[0]: row for row in manifest(archive, folder)[1:]}
    assert "differs from the recorded fingerprint" in rows[REPORT_NAMES[1]][3]
    assert rows[REPORT_NAMES[6]][1] == "" and "missing from storage" in rows[REPORT_NAMES[6]][3]
    assert f"{folder}/{REPORT_NAMES[6]}" not in archive.namelist()
