"""A whole dossier, from the submitted snapshot to the letter, written with names and texts in
every place that holds personal data: what the anonymisation and retention tests take apart."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from applications.attachments import add_attachment
from applications.models import ApplicationEvent, ExcludedReviewer, TeamInvitation
from applications.services import submit_application
from decisions.models import Letter
from projects.models import Project
from reviews.models import (
    ConflictDeclaration,
    ConsensusReport,
    EligibilityScreening,
    Reply,
    Review,
    TeamClaim,
)

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    DecisionFactory,
    UserFactory,
    support_letter_question,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nLettre de soutien de Mme Marchand\n%%EOF\n"
SUMMARY = "q-summary"
FIELD = "q-field"
QUESTIONS = [
    support_letter_question(),
    {
        "type": "long_text",
        "id": SUMMARY,
        "value": {"label": "Résumé", "help_text": "", "required": False, "max_words": 500},
    },
    {
        "type": "choice",
        "id": FIELD,
        "value": {
            "label": "Domaine",
            "help_text": "",
            "required": False,
            "choices": ["Histoire", "Sciences"],
            "multiple": False,
        },
    },
]


def submitted_dossier(lead=None, call=None):
    """An application submitted through the services, with a support letter, an answer in
    words, an answer chosen, keywords, an exclusion and a team invitation."""
    lead = lead or UserFactory(
        first_name="Hélène", last_name="Marchand", email="helene.marchand@example.org"
    )
    application = ApplicationFactory(
        call=call or CallFactory(questions=QUESTIONS),
        lead=lead,
        complete=True,
        title="Les carnets de voyage d'Hélène Marchand",
        answers={SUMMARY: "Numériser mes carnets de famille.", FIELD: "Histoire"},
        keywords="carnets, Marchand",
    )
    application.team.filter(is_lead=True).update(
        email=lead.email, orcid="0000-0002-1825-0097", name="Hélène Marchand"
    )
    ExcludedReviewer.objects.create(
        application=application, name="Paul Rival", email="paul.rival@example.org", reason="Rival"
    )
    TeamInvitation.objects.create(
        application=application,
        email="bibliothecaire@example.org",
        token_hash="0" * 64,
        sent_at=application.created_at,
    )
    add_attachment(
        application,
        "q-letter",
        SimpleUploadedFile("lettre-marchand.pdf", PDF, content_type="application/pdf"),
        lead,
        application.version,
    )
    submit_application(application, lead)
    application.refresh_from_db()
    return application


def assessed(application, outcome="funded"):
    """What staff, reviewers and the council write about it, written directly: a screening, a
    review with its conflict declaration, a team claim, a consensus report, the lead's reply,
    a decision and its letter, an audit row with a reason."""
    EligibilityScreening.objects.create(
        application=application, eligible=True, reason="Mme Marchand a fourni ses pièces."
    )
    assignment = AssignmentFactory(application=application, accepted=True)
    ConflictDeclaration.objects.create(
        assignment=assignment, has_conflict=False, reason="Je ne connais pas Mme Marchand."
    )
    Review.objects.create(
        assignment=assignment,
        state="submitted",
        comment_for_applicant="Un beau projet, Madame Marchand.",
        confidential_comment="Elle a été mon étudiante.",
        recommendation="fund",
        weighted_score=Decimal("16.50"),
    )
    TeamClaim.objects.create(
        application=application,
        reviewer=assignment.reviewer,
        state="counted",
        position=0,
        member_name="Hélène Marchand",
    )
    ConsensusReport.objects.create(
        application=application,
        majority_view="Projet de Mme Marchand solide.",
        comment_for_applicant="Bravo.",
        recommendation="fund",
        weighted_score=Decimal("16.00"),
    )
    Reply.objects.create(application=application, text="Merci, Hélène Marchand.")
    decision = DecisionFactory(
        application=application,
        outcome=outcome,
        amount_granted=Decimal("8000.00") if outcome == "funded" else None,
        motivation="Mme Marchand convainc.",
        conditions="Citer le réseau.",
    )
    Letter.objects.create(
        decision=decision,
        outcome=outcome,
        language="fr",
        subject="Votre projet",
        body="Chère Hélène Marchand, ...",
    )
    if outcome == "funded":
        # Its project, as the funding letter makes it, with the carrier's finance contact.
        Project.objects.create(
            decision=decision,
            amount_granted=decision.amount_granted,
            finance_contact_name="Paul Rival",
            finance_contact_email="paul.rival@univ.example",
        )
    ApplicationEvent.objects.create(
        application=application, action="note", reason="Appel de Mme Marchand."
    )
    application.state = "decided"
    application.save(update_fields=["state"])
    return application


def refuse_updates_of(table, pk=None):
    """A database trigger that refuses any change to `table`: a step that fails halfway, in the
    database itself (not a mock of our code). With `pk`, only that row's."""
    when = f"WHEN (OLD.id = {int(pk)}) " if pk else ""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER refuse_update BEFORE UPDATE ON {table} FOR EACH ROW {when}"
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_update() RETURNS trigger AS $$ BEGIN "
                "RAISE integrity_constraint_violation USING MESSAGE = 'refused by the test'; "
                "END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_update BEFORE UPDATE ON {table} FOR EACH ROW "
                f"{when}EXECUTE FUNCTION refuse_update()"
            )
