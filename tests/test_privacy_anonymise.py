"""Anonymising an application or an account removes every personal datum and keeps what counts
(states, dates, amounts, scores, recommendations, the institution, the reference), in one
transaction: a failure halfway leaves the record whole, its files and no Anonymisation row."""

from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from applications.models import Application, Attachment, Submission, TeamMember
from notifications.models import Message, Preference
from privacy.anonymise import AnonymisationRefused, anonymise_account, anonymise_application
from privacy.models import Anonymisation, Hold
from projects.models import (
    AgreementVersion,
    Amendment,
    AmendmentKind,
    Deliverable,
    Instalment,
    Party,
    Payment,
    Project,
    ProjectReport,
    ReportAttachment,
    ReportSubmission,
    Signature,
)
from reviews.models import Review

from .factories import (
    ApplicationFactory,
    DeliverableFactory,
    InstitutionFactory,
    ProjectReportFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    report_question,
)
from .privacy_dossiers import FIELD, assessed, refuse_updates_of, submitted_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_private_folder")]

NAMES = ("Marchand", "Hélène", "helene.marchand", "Rival", "carnets", "0000-0002-1825-0097")


def stored_file(attachment):
    return Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name


def everything_about(application):
    """Every text of the dossier, as one string: no name may be left in it."""
    parts = [application.title, application.keywords, str(application.answers)]
    parts += [str(submission.content) for submission in application.submissions.all()]
    parts += [str(row) for row in application.team.values()]
    parts += [str(row) for row in application.team_invitations.values()]
    parts += [str(row) for row in application.excluded_reviewers.values()]
    parts += [str(row) for row in application.budget_lines.values()]
    parts += [str(row) for row in application.attachments.values()]
    parts += [str(row) for row in application.events.values()]
    parts += [str(application.screening.reason), str(application.consensus.majority_view)]
    parts += [application.reply.text, str(application.team_claims.values())]
    decision = application.decision
    parts += [decision.motivation, decision.conditions, str(decision.letters.values())]
    parts += [str(Project.objects.filter(decision=decision).values())]
    for assignment in application.assignments.all():
        review = assignment.review
        parts += [review.comment_for_applicant, review.confidential_comment]
        parts += [str(assignment.declarations.values())]
    return " ".join(parts)


def test_anonymising_a_dossier_removes_names_and_texts_and_keeps_what_counts(
    django_capture_on_commit_callbacks,
):
    application = assessed(submitted_dossier())
    assert "Marchand" in everything_about(application)
    [attachment] = application.attachments.all()
    path = stored_file(attachment)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_application(application, rule="funded")

    application = Application.objects.get(pk=application.pk)
    text = everything_about(application)
    for name in NAMES:
        assert name not in text
    assert application.title == f"Dossier anonymisé {application.reference}"
    assert application.answers == {FIELD: "Histoire"}
    assert not path.exists()
    assert not application.attachments.exists()
    # Kept: the state, the team's roles, the amounts, the scores, the outcome, the counts.
    assert application.state == "decided"
    assert list(application.team.values_list("role", flat=True)) == [
        "researcher",
        "documentation_professional",
    ]
    assert application.budget_totals()["requested"] == Decimal("10000.00")
    review = Review.objects.get(assignment__application=application)
    assert (review.recommendation, review.weighted_score) == ("fund", Decimal("16.50"))
    assert application.decision.amount_granted == Decimal("8000.00")
    assert application.decision.project.amount_granted == Decimal("8000.00")
    [submission] = application.submissions.all()
    assert submission.content["reference"] == application.reference
    assert submission.content["budget"]["total_requested"] == "10000.00"
    assert submission.content["answers"] == {FIELD: "Histoire"}
    assert submission.content["attachments"][0]["size"] == attachment.size
    assert Anonymisation.objects.get(application=application).rule == "funded"


def test_a_dossier_is_anonymised_once_and_never_while_held():
    application = submitted_dossier()
    Hold.objects.create(application=application, reason="Contentieux en cours")
    with pytest.raises(AnonymisationRefused):
        anonymise_application(application, rule="not_funded")
    assert Application.objects.get(pk=application.pk).title.startswith("Les carnets")

    Hold.objects.all().delete()
    anonymise_application(application, rule="not_funded")
    with pytest.raises(AnonymisationRefused):
        anonymise_application(application, rule="not_funded")
    assert Anonymisation.objects.count() == 1


def test_a_failure_halfway_leaves_the_dossier_and_its_files_as_they_were(
    django_capture_on_commit_callbacks,
):
    application = assessed(submitted_dossier())
    before = everything_about(application)
    [attachment] = application.attachments.all()
    # The letters are anonymised after the application, its team, its files and its snapshot.
    refuse_updates_of("decisions_letter")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(IntegrityError),
    ):
        anonymise_application(application, rule="funded")

    application = Application.objects.get(pk=application.pk)
    assert everything_about(application) == before
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert stored_file(attachment).exists()
    assert callbacks == []
    assert not Anonymisation.objects.exists()


def test_a_file_storage_cannot_delete_is_logged_and_the_others_go(
    django_capture_on_commit_callbacks, caplog
):
    """After the commit, the rows are gone: a file the storage refuses to delete is logged."""
    application = submitted_dossier()
    [attachment] = application.attachments.all()
    path = stored_file(attachment)
    # Where the file was, a folder that is not empty: the storage cannot delete it.
    path.unlink()
    (path / "inside").mkdir(parents=True)
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_application(application, rule="abandoned_draft")
    assert Anonymisation.objects.filter(application=application).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert path.exists()
    assert "could not delete the stored file" in caplog.text


# Accounts


def test_an_account_keeps_its_row_under_a_placeholder_and_loses_its_sign_in(client):
    institution = InstitutionFactory()
    reviewer = ReviewerFactory(
        first_name="Hélène",
        last_name="Marchand",
        email="helene.marchand@example.org",
        orcid="0000-0002-1825-0097",
        institution=institution,
        profile__keywords="carnets, voyages",
    )
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    Authenticator.objects.create(user=reviewer, type="recovery_codes", data={})
    Preference.objects.create(user=reviewer, event="draft_reminder", email_mode="none")
    Message.objects.create(
        user=reviewer,
        email=reviewer.email,
        event="draft_reminder",
        language="fr",
        subject="s",
        text="t",
    )

    client.force_login(reviewer)
    other = UserFactory()
    Client().force_login(other)  # someone else's session stays
    assert client.get(reverse("applications:mine")).status_code == 200

    anonymise_account(reviewer, rule="erasure", actor=reviewer)

    assert client.get(reverse("applications:mine")).status_code == 302
    assert Session.objects.count() == 1
    reviewer.refresh_from_db()
    assert str(reviewer) == "Compte supprimé"
    assert reviewer.email == f"erased-{reviewer.pk}@invalid.example"
    assert (reviewer.orcid, reviewer.is_active, reviewer.has_usable_password()) == (
        "",
        False,
        False,
    )
    assert reviewer.institution == institution
    assert reviewer.reviewer_profile.keywords == ""
    for model in (EmailAddress, Authenticator, Preference, Message):
        assert not model.objects.filter(user=reviewer).exists()
    with pytest.raises(AnonymisationRefused):
        anonymise_account(reviewer, rule="erasure", actor=reviewer)


def test_the_lead_is_erased_from_the_snapshot_and_others_stay():
    application = assessed(submitted_dossier())
    lead = application.lead
    other = ApplicationFactory(complete=True)
    TeamMemberFactory(
        application=other, name="Hélène Marchand", email="Helene.Marchand@example.org"
    )
    reviewer = application.assignments.get().reviewer

    anonymise_account(lead, rule="erasure", actor=lead)
    anonymise_account(reviewer, rule="erasure")

    content = Submission.objects.get(application=application).content
    assert content["lead"] == {"name": "Compte supprimé", "email": ""}
    assert "Marchand" not in str(content["team"])
    assert content["title"] == "Les carnets de voyage d'Hélène Marchand"  # the project stays
    assert [m["name"] for m in content["team"]][1:] == ["Bibliothécaire"]
    assert not TeamMember.objects.filter(name__contains="Marchand").exists()
    review = Review.objects.get(assignment__reviewer=reviewer)
    assert (review.recommendation, str(review.assignment.reviewer)) == ("fund", "Compte supprimé")


def test_an_account_erasure_that_fails_halfway_changes_nothing():
    application = submitted_dossier()
    lead = application.lead
    EmailAddress.objects.create(user=lead, email=lead.email, verified=True, primary=True)
    before = Submission.objects.get(application=application).content
    # The address the account would take is someone else's already: the last step fails.
    UserFactory(email=f"erased-{lead.pk}@invalid.example")

    with pytest.raises(IntegrityError):
        anonymise_account(lead, rule="erasure", actor=lead)

    lead.refresh_from_db()
    assert lead.email == "helene.marchand@example.org" and lead.is_active
    assert EmailAddress.objects.filter(user=lead).exists()
    assert Submission.objects.get(application=application).content == before
    assert not Anonymisation.objects.exists()


def test_anonymising_a_funded_dossier_clears_its_agreement_signers_and_amendments(
    django_capture_on_commit_callbacks,
):
    application = assessed(submitted_dossier())
    project = application.decision.project
    version = AgreementVersion(
        project=project,
        number=1,
        language="fr",
        title="Convention Les carnets",
        body="Entre CollEx-Persée et Hélène Marchand",
        figures={"lead": "Hélène Marchand"},
        reason="Mme Marchand a demandé un avenant",
        sha256="a" * 64,
    )
    version.pdf.save("v1.pdf", ContentFile(b"%PDF-1.7 Marchand"), save=False)
    version.save()
    signature = Signature(
        version=version,
        party=Party.CARRIER,
        signer_name="Hélène Marchand",
        signer_role="Présidente",
        signed_on=version.created_at.date(),
        original_name="convention-marchand.pdf",
        size=20,
        sha256="b" * 64,
    )
    signature.signed_copy.save("signed.pdf", ContentFile(b"%PDF-1.7 Marchand"), save=False)
    signature.save()
    amendment = Amendment(
        project=project,
        kind=AmendmentKind.TEAM_CHANGE,
        justification="Hélène Marchand part en congé",
        team_change="Rival remplace Marchand",
        attachment_name="marchand.pdf",
        sha256="c" * 64,
    )
    amendment.attachment.save("a.pdf", ContentFile(b"%PDF-1.7 Marchand"), save=False)
    amendment.save()
    instalment = Instalment.objects.create(
        project=project,
        position=1,
        label="Solde",
        amount=Decimal("8000.00"),
        planned_on=version.created_at.date(),
    )
    payment = Payment.objects.create(
        project=project,
        instalment=instalment,
        paid_on=version.created_at.date(),
        amount=Decimal("100.00"),
        reference="P-1",
        override_reason="Accord de Mme Marchand au téléphone",
    )
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    paths = [root / version.pdf.name, root / signature.signed_copy.name]
    paths.append(root / amendment.attachment.name)
    assert all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_application(application, rule="funded")

    rows = [
        AgreementVersion.objects.values().get(pk=version.pk),
        Signature.objects.values().get(pk=signature.pk),
        Amendment.objects.values().get(pk=amendment.pk),
        Payment.objects.values().get(pk=payment.pk),
    ]
    for name in NAMES:
        assert name not in str(rows)
    assert not any(path.exists() for path in paths)
    # Kept: the version's number and date, the party and date of the signature, the kind.
    assert (rows[0]["number"], rows[1]["party"], rows[1]["signed_on"]) == (
        1,
        "carrier",
        signature.signed_on,
    )
    assert rows[2]["kind"] == "team_change"


def test_anonymising_a_funded_dossier_clears_its_reports_and_private_deliverables(
    django_capture_on_commit_callbacks,
):
    application = assessed(submitted_dossier())
    project = application.decision.project
    questions = [
        report_question("q-summary", "long_text"),
        report_question("q-pages", "number"),
        report_question("q-file", "file"),
    ]
    answers = {"q-summary": "Hélène Marchand a numérisé les carnets", "q-pages": 300}
    report = ProjectReportFactory(
        project=project,
        state="accepted",
        questions=questions,
        answers=answers,
        spending={"staff": "1200.00"},
        review_comment="Merci Mme Marchand",
    )
    attachment = ReportAttachment(
        report=report,
        question_id="q-file",
        original_name="carnets-marchand.pdf",
        content_type="application/pdf",
        size=20,
        sha256="d" * 64,
    )
    attachment.file.save("r.pdf", ContentFile(b"%PDF-1.7 Marchand"), save=False)
    attachment.save()
    submission = ReportSubmission.objects.create(
        report=report,
        number=1,
        received_at=report.created_at,
        content={
            "reference": application.reference,
            "project_title": "Les carnets de voyage d'Hélène Marchand",
            "questions": questions,
            "answers": answers,
            "attachments": [{"question_id": "q-file", "name": "carnets-marchand.pdf"}],
            "spending": [{"category": "staff", "granted": "2000.00", "spent": "1200.00"}],
        },
        fingerprint="e" * 64,
    )
    public = DeliverableFactory(project=project, title="Carnets", description="Par Marchand")
    private = DeliverableFactory(
        project=project,
        description="Notes de Marchand",
        url="https://x.test/rival",
        is_public=False,
    )
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_application(application, rule="funded")

    report = ProjectReport.objects.values().get(pk=report.pk)
    submission = ReportSubmission.objects.values().get(pk=submission.pk)
    private = Deliverable.objects.values().get(pk=private.pk)
    for name in NAMES:
        assert name not in str([report, submission, private])
    assert not stored.exists()
    assert not ReportAttachment.objects.exists()
    # Kept: what counts, the fingerprint received, the public deliverable as published.
    assert (report["state"], report["answers"], report["spending"]) == (
        "accepted",
        {"q-pages": 300},
        {"staff": "1200.00"},
    )
    assert submission["content"]["answers"] == {"q-pages": 300}
    assert submission["content"]["spending"][0]["spent"] == "1200.00"
    assert submission["fingerprint"] == "e" * 64
    assert Deliverable.objects.get(pk=public.pk).description == "Par Marchand"
    assert private["title"].startswith("Jeu de données")  # the output's title, not a person
