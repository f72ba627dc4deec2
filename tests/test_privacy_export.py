"""A person's export, from their account: a ZIP of JSON files in their language with a README, and
the files of the applications they lead. What each role finds in it, and what nobody ever finds:
a reviewer's identity in an applicant's export, another reviewer in a reviewer's, secrets."""

import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.attachments import add_attachment
from applications.models import Application, ApplicationState, TeamInvitation, TeamMember
from applications.services import submit_application
from decisions import services as decisions
from decisions.letters import send_letter
from decisions.models import Letter
from privacy.models import EventKind, PrivacyEvent
from projects.models import Amendment, AmendmentKind, ReportSubmission
from reviews import assignments, deliberation, reviewing
from reviews.models import Assignment, ConflictDeclaration, Review, ReviewScore

from .factories import (
    TOTP_SECRET,
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    CallCriterionFactory,
    CallFactory,
    DecisionFactory,
    DeliverableFactory,
    ProjectReportFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    joined_member,
    support_letter_question,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_private_folder")]

QUESTION = "q-letter"
LETTER_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="module")
def support_letter():
    from weasyprint import HTML

    return HTML(string="<p>Nous soutenons ce projet.</p>").write_pdf()


@pytest.fixture
def first_reviewer():
    return ReviewerFactory(
        first_name="Rosalinde",
        last_name="Relectrice",
        email="rosalinde.relectrice@example.org",
        language="en",
    )


@pytest.fixture
def second_reviewer():
    return ReviewerFactory(
        first_name="Octave", last_name="Autrelecteur", email="octave.autrelecteur@example.org"
    )


@pytest.fixture
def dossier(applicant, programme_manager, first_reviewer, second_reviewer, support_letter):
    """A decided application of `applicant` with a file, two submitted reviews (the first
    reviewer is also the rapporteur, quoted by name in the comment for the applicant), a
    decision recorded by the programme manager and its letter."""
    call = CallFactory(
        questions=[support_letter_question(QUESTION, required=True)], reviewers_per_application=2
    )
    CallCriterionFactory(call=call, name_en="Quality", name_fr="Qualité", scale_max=5)
    application = ApplicationFactory(
        call=call, lead=applicant, title="Herbiers numérisés de Montpellier", complete=True
    )
    upload = SimpleUploadedFile(
        "Lettre de soutien (signée).pdf", support_letter, content_type="application/pdf"
    )
    add_attachment(application, QUESTION, upload, applicant, application.version)
    submit_application(application, applicant)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.ELIGIBLE)
    application.refresh_from_db()
    criterion = call.criteria.get()
    for reviewer, comment, confidential in (
        (first_reviewer, "Corpus remarquable.", "Confidentiel : équipe fragile."),
        (second_reviewer, "Calendrier serré.", "Confidentiel : budget gonflé."),
    ):
        assignments.assign_reviewer(application, reviewer, programme_manager)
        assignment = Assignment.objects.get(application=application, reviewer=reviewer)
        assignments.accept_assignment(assignment, reviewer)
        reviewing.submit_review(
            assignment,
            reviewer,
            {
                "scores": {criterion.pk: ("4", "Bien choisi.")},
                "comment_for_applicant": comment,
                "confidential_comment": confidential,
                "recommendation": "fund",
            },
        )
    deliberation.set_rapporteur(application, first_reviewer, programme_manager)
    deliberation.save_consensus(
        application,
        first_reviewer,
        {
            "scores": {criterion.pk: ("4", "")},
            "majority_view": "Financer.",
            "comment_for_applicant": "Un bon projet, comme l'écrit Rosalinde Relectrice.",
            "recommendation": "fund",
        },
        finalise=True,
    )
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.DECIDED)
    decision = DecisionFactory(
        application=application, amount_granted=Decimal("8000.00"), decided_by=programme_manager
    )
    Letter.objects.create(
        decision=decision,
        outcome="funded",
        language="fr",
        subject="Décision de financement",
        body="Madame, nous avons le plaisir de vous annoncer un financement.",
        sent_by=programme_manager,
    )
    application.refresh_from_db()
    return application


def download(client, user):
    client.force_login(user)
    response = client.get(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "private" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(io.BytesIO(content)), content


def read_json(archive, name):
    return json.loads(archive.read(name).decode("utf-8"))


def everything(archive):
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def secrets_of(client, user):
    """Distinctive strings that no export may hold: the password hash, the second factor's
    secret (as typed and as stored), the recovery codes, the session key."""
    from allauth.mfa.models import Authenticator

    stored = [str(row.data) for row in Authenticator.objects.filter(user=user)]
    return [user.password, client.session.session_key, *stored]


def test_an_applicant_finds_their_applications_files_and_comments_in_french(
    client, applicant, dossier, support_letter
):
    TOTP.activate(applicant, APPLICANT_SECRET)
    codes = RecoveryCodes.activate(applicant).get_unused_codes()
    invited = TeamInvitation.objects.create(
        application=dossier,
        email="invitee@example.org",
        token_hash="f" * 64,
        sent_at=dossier.submitted_at,
    )

    response, archive, content = download(client, applicant)

    reference = dossier.reference
    attachment = dossier.attachments.get()
    assert 'filename="donnees-personnelles-' in response["Content-Disposition"]
    assert archive.namelist() == [
        "account.json",
        "applications.json",
        "messages.json",
        "privacy_log.json",
        f"files/{reference}/{attachment.pk}-Lettre de soutien (signée).pdf",
        "LISEZMOI.txt",
    ]
    assert archive.read(f"files/{reference}/{attachment.pk}-Lettre de soutien (signée).pdf") == (
        support_letter
    )
    readme = archive.read("LISEZMOI.txt").decode("utf-8")
    assert "applications.json" in readme and "Les candidatures que vous portez" in readme

    account = read_json(archive, "account.json")
    assert account["email"] == "porteuse@example.org"
    assert account["language"] == "Français"
    assert [row["kind"] for row in account["second_factors"]] == [
        "Authentificateur TOTP",
        "Codes de récupération",
    ]

    (application,) = read_json(archive, "applications.json")
    assert application["reference"] == reference
    assert application["title"] == "Herbiers numérisés de Montpellier"
    assert application["state"] == "Décidé"
    assert application["attachments"][0]["file"] == (
        f"files/{reference}/{attachment.pk}-Lettre de soutien (signée).pdf"
    )
    assert [row["name"] for row in application["team"]] == ["Chercheuse", "Bibliothécaire"]
    assert application["team"][0]["role"] == "Chercheur ou chercheuse"
    assert application["comments_for_you"] == ["Un bon projet, comme l'écrit […]."]
    assert application["decision"]["outcome"] == "Financé"
    assert application["decision"]["amount_granted"] == "8000.00"
    assert application["decision"]["letters"][0]["subject"] == "Décision de financement"
    assert application["submissions"][0]["received_at"].startswith(
        dossier.submitted_at.isoformat()[:10]
    )
    assert [row["action"] for row in application["history"]][:1] == ["Candidature déposée"]

    text = everything(archive)
    for never in (
        "Relectrice",
        "rosalinde.relectrice@example.org",
        "Autrelecteur",
        "Confidentiel",
        "Bien choisi.",  # a reviewer's comment on a criterion
        APPLICANT_SECRET,
        invited.token_hash,
        *codes,
        *secrets_of(client, applicant),
    ):
        assert never not in text, never
    assert PrivacyEvent.objects.filter(
        kind=EventKind.EXPORT, person=applicant, actor=applicant
    ).exists()
    (logged,) = read_json(archive, "privacy_log.json")
    assert (logged["event"], logged["by_you"]) == ("Données personnelles exportées", True)


def test_a_team_member_finds_the_application_they_joined_and_their_row(
    client, dossier, first_reviewer
):
    member = UserFactory(email="membre.equipe@example.org", language="en")
    invitation = joined_member(dossier, member, name="Margot Membre", role="archivist")

    _response, archive, _content = download(client, member)

    assert archive.namelist() == [
        "account.json",
        "applications.json",
        "team_memberships.json",
        "messages.json",
        "privacy_log.json",
        "README.txt",
    ]
    assert read_json(archive, "applications.json") == []
    (joined,) = read_json(archive, "team_memberships.json")
    assert joined["reference"] == dossier.reference
    assert joined["state"] == "Decided"
    assert joined["your_rows_in_the_team"] == [
        {
            "name": "Margot Membre",
            "email": "membre.equipe@example.org",
            "orcid": "",
            "institution": "",
            "role": "Archivist",
            "leads_the_project": False,
        }
    ]
    text = everything(archive)
    for never in ("Relectrice", "Autrelecteur", "Confidentiel", invitation.token_hash):
        assert never not in text, never
    assert "The applications whose team you joined" in archive.read("README.txt").decode()


def test_a_member_the_lead_removed_from_the_team_no_longer_exports_the_application(client, dossier):
    member = UserFactory(email="membre.equipe@example.org", language="en")
    joined_member(dossier, member, name="Margot Membre")
    # What the lead's saved draft does: the member's row goes, the invitation stays.
    TeamMember.objects.filter(application=dossier, email=member.email).delete()

    _response, archive, _content = download(client, member)

    assert "team_memberships.json" not in archive.namelist()
    assert dossier.reference not in everything(archive)


# The decision and the comments, as the applicant's pages show them

MOTIVATION = "Motivation du conseil : un corpus rare."
CONDITIONS = "Un rapport d'étape à six mois."
COMMENT = "Corpus remarquable, calendrier serré."


def reviewed(applicant, **call_fields):
    """An application of `applicant` in review, with one submitted review and its comment for
    them."""
    call = CallFactory(closed=True, envelope=Decimal("400000.00"), **call_fields)
    criterion = CallCriterionFactory(call=call, scale_max=5)
    application = ApplicationFactory(call=call, lead=applicant, in_review=True)
    BudgetLineFactory(application=application, amount_requested=Decimal("20000.00"))
    assignment = AssignmentFactory(application=application, accepted=True)
    reviewing.submit_review(
        assignment,
        assignment.reviewer,
        {
            "scores": {criterion.pk: ("4", "")},
            "comment_for_applicant": COMMENT,
            "confidential_comment": "",
            "recommendation": "fund",
        },
    )
    return application


def exported_application(client, applicant):
    _response, archive, _content = download(client, applicant)
    (application,) = read_json(archive, "applications.json")
    return application


def decide(application, staff):
    return decisions.record_decision(
        application,
        staff,
        outcome="funded",
        amount=Decimal("12500.00"),
        conditions=CONDITIONS,
        meeting_date=dt.date(2026, 11, 20),
        motivation=MOTIVATION,
    )


def test_the_decision_and_the_comments_wait_for_the_letter(client, applicant, programme_manager):
    decision = decide(reviewed(applicant), programme_manager)

    before = exported_application(client, applicant)

    assert before["state"] == "Décidé"
    assert before["decision"] is None
    assert before["comments_for_you"] == []
    assert [row["reason"] for row in before["history"] if row["action"] == "Décision rendue"] == [
        ""
    ]
    for never in (MOTIVATION, CONDITIONS, COMMENT, "Financé", "12500"):
        assert never not in json.dumps(before, ensure_ascii=False), never

    assert before["funded_project"] is None

    send_letter(decision, programme_manager)
    Amendment.objects.create(
        project=decision.project,
        kind=AmendmentKind.EXTENSION,
        extension_months=6,
        justification="Le fonds arrive plus tard que prévu.",
        asked_by=applicant,
    )
    after = exported_application(client, applicant)

    assert after["funded_project"]["amount_granted"] == "12500.00"
    assert after["funded_project"]["state"] == "Convention en préparation"
    [amendment] = after["funded_project"]["amendments"]
    assert (amendment["kind"], amendment["state"]) == ("Prolongation de la date de fin", "Demandé")
    assert amendment["justification"] == "Le fonds arrive plus tard que prévu."
    assert after["decision"]["outcome"] == "Financé"
    assert after["decision"]["amount_granted"] == "12500.00"
    assert after["decision"]["conditions"] == CONDITIONS
    assert len(after["decision"]["letters"]) == 1
    assert after["comments_for_you"] == [COMMENT]
    assert [row["reason"] for row in after["history"] if row["action"] == "Décision rendue"] == [
        MOTIVATION
    ]


def test_the_lead_finds_the_projects_reports_and_deliverables(client, applicant, programme_manager):
    decision = decide(reviewed(applicant), programme_manager)
    send_letter(decision, programme_manager)
    report = ProjectReportFactory(
        project=decision.project,
        title_fr="Rapport à six mois",
        state="changes_requested",
        due_on=dt.date(2027, 6, 30),
        answers={"q-summary": "Les carnets sont numérisés."},
        review_comment="Précisez le calendrier.",
        reviewed_at=timezone.now(),
    )
    ReportSubmission.objects.create(
        report=report,
        number=1,
        received_at=timezone.now(),
        submitted_by=applicant,
        content={"answers": report.answers},
        fingerprint="f" * 64,
    )
    DeliverableFactory(
        project=decision.project,
        title="Carnets numérisés",
        description="Trois cents carnets.",
        identifier="10.5281/zenodo.42",
        is_public=False,
    )

    project = exported_application(client, applicant)["funded_project"]

    [exported] = project["reports"]
    assert (exported["title"], exported["kind"], exported["state"], exported["due_on"]) == (
        "Rapport à six mois",
        "Rapport intermédiaire",
        "Modifications demandées",
        "2027-06-30",
    )
    assert exported["answers"] == {"q-summary": "Les carnets sont numérisés."}
    assert exported["review_comment"] == "Précisez le calendrier."
    assert [(row["number"], row["fingerprint"]) for row in exported["submissions"]] == [
        (1, "f" * 64)
    ]
    [declared] = project["deliverables"]
    assert (declared["title"], declared["kind"], declared["identifier"]) == (
        "Carnets numérisés",
        "Jeu de données",
        "10.5281/zenodo.42",
    )
    assert (declared["description"], declared["public"]) == ("Trois cents carnets.", False)


def test_a_review_comment_not_yet_sent_is_not_exported(client, applicant, programme_manager):
    decision = decide(reviewed(applicant), programme_manager)
    send_letter(decision, programme_manager)
    ProjectReportFactory(project=decision.project, review_comment="Brouillon de relecture.")

    [exported] = exported_application(client, applicant)["funded_project"]["reports"]

    assert exported["review_comment"] == ""


def test_funding_withdrawn_after_the_letter_is_not_told_before_its_own(
    client, applicant, programme_manager
):
    application = reviewed(applicant)
    send_letter(decide(application, programme_manager), programme_manager)
    decisions.withdraw_funding(application, programme_manager, "Le projet renonce.")

    exported = exported_application(client, applicant)

    assert exported["decision"]["outcome"] is None
    assert exported["decision"]["amount_granted"] is None
    assert [letter["sent_at"] is not None for letter in exported["decision"]["letters"]] == [True]
    assert "Financement retiré" not in json.dumps(exported, ensure_ascii=False)


def test_the_comments_come_while_the_reply_page_shows_them(client, applicant):
    now = timezone.now()
    open_phase = reviewed(
        applicant,
        reply_opens_at=now - dt.timedelta(days=1),
        reply_closes_at=now + dt.timedelta(days=1),
    )

    exported = exported_application(client, applicant)

    assert exported["reference"] == open_phase.reference
    assert exported["comments_for_you"] == [COMMENT]
    assert exported["decision"] is None


def test_no_comment_before_the_reply_phase_opens(client, applicant):
    now = timezone.now()
    reviewed(
        applicant,
        reply_opens_at=now + dt.timedelta(days=1),
        reply_closes_at=now + dt.timedelta(days=8),
    )

    assert exported_application(client, applicant)["comments_for_you"] == []


def test_a_reviewer_finds_their_own_reviews_never_another_reviewer(client, dossier, first_reviewer):
    _response, archive, _content = download(client, first_reviewer)

    assert archive.namelist() == [
        "account.json",
        "applications.json",
        "reviews.json",
        "messages.json",
        "privacy_log.json",
        "README.txt",
    ]
    reviews = read_json(archive, "reviews.json")
    (assignment,) = reviews["assignments"]
    assert assignment["application"] == dossier.reference
    assert assignment["title"] == "Herbiers numérisés de Montpellier"
    assert assignment["state"] == "Accepted"
    assert assignment["conflict_declarations"][0]["conflict_of_interest"] is False
    review = assignment["review"]
    assert review["comment_for_the_applicant"] == "Corpus remarquable."
    assert review["confidential_comment"] == "Confidentiel : équipe fragile."
    assert review["recommendation"] == "Fund"
    assert review["scores"] == [{"criterion": "Quality", "score": "4.0", "comment": "Bien choisi."}]
    (report,) = reviews["consensus_reports_as_rapporteur"]
    assert report["majority_view"] == "Financer."
    assert read_json(archive, "account.json")["reviewer_profile"]["kind"] == "External expert"

    text = everything(archive)
    for never in (
        "Autrelecteur",
        "octave.autrelecteur@example.org",
        "Calendrier serré.",
        "budget gonflé",
        *secrets_of(client, first_reviewer),
    ):
        assert never not in text, never


def test_staff_find_what_they_recorded_by_reference(client, programme_manager, dossier):
    programme_manager.language = "en"
    programme_manager.save(update_fields=["language"])

    _response, archive, _content = download(client, programme_manager)

    assert "staff_actions.json" in archive.namelist()
    actions = read_json(archive, "staff_actions.json")
    assert actions["decisions_recorded"][0]["application"] == dossier.reference
    assert actions["decisions_recorded"][0]["decision"] == "Funded"
    assert [row["application"] for row in actions["letters_sent"]] == [dossier.reference]
    account = read_json(archive, "account.json")
    assert account["roles"] == ["Programme managers"]
    assert account["second_factors"][0]["kind"] == "TOTP Authenticator"
    text = everything(archive)
    for never in (TOTP_SECRET, *secrets_of(client, programme_manager)):
        assert never not in text, never


def test_account_emails_come_with_their_personal_link_masked(
    client, applicant, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": applicant.email})
    [email] = mail.outbox
    link = re.search(r"https?://\S+/password/reset/key/\S+", email.body)[0]

    _response, archive, _content = download(client, applicant)

    (message,) = read_json(archive, "messages.json")
    assert message["subject"] == email.subject
    assert "[lien personnel, envoyé par courriel uniquement]" in message["text"]
    assert message["emails"][0]["to"] == "porteuse@example.org"
    assert link.rsplit("/", 2)[-2] not in everything(archive)


def test_the_page_is_linked_from_the_account_page(client, applicant):
    client.force_login(applicant)

    page = client.get(reverse("accounts:profile")).content.decode()

    assert reverse("privacy:my_data") in page
    assert "Télécharger mes données (ZIP)" in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("privacy:export"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not PrivacyEvent.objects.exists()


def many_applications(lead, count):
    call = CallFactory()
    for number in range(count):
        application = ApplicationFactory(call=call, lead=lead, complete=True)
        TeamMemberFactory(application=application, name=f"Membre {number}")


@pytest.mark.parametrize("count", [1, 6])
def test_the_export_costs_the_same_queries_whatever_the_rows(
    client, applicant, django_assert_num_queries, count
):
    many_applications(applicant, count)
    client.force_login(applicant)

    with django_assert_num_queries(37):
        response = client.get(reverse("privacy:export"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(read_json(archive, "applications.json")) == count


def reviews_written(reviewer, count):
    criterion = CallCriterionFactory(call=CallFactory(closed=True), scale_max=5)
    for _number in range(count):
        application = ApplicationFactory(call=criterion.call, eligible=True)
        assignment = AssignmentFactory(application=application, reviewer=reviewer, accepted=True)
        ConflictDeclaration.objects.create(assignment=assignment, has_conflict=False)
        review = Review.objects.create(assignment=assignment, comment_for_applicant="Bien.")
        ReviewScore.objects.create(review=review, criterion=criterion, score=Decimal("4"))


@pytest.mark.parametrize("count", [1, 6])
def test_a_reviewers_export_costs_the_same_queries_whatever_the_reviews(
    client, reviewer, django_assert_num_queries, count
):
    reviews_written(reviewer, count)
    client.force_login(reviewer)

    with django_assert_num_queries(30):
        response = client.get(reverse("privacy:export"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(read_json(archive, "reviews.json")["assignments"]) == count
