"""Decision letters: written in the applicant's language from the staff's template or the default
text, with the comments meant for the applicant and nobody's identity; kept as written, sent as
e-mail with the PDF attached, in batches for a call; a broken template never loses a letter."""

import datetime as dt
import io
import logging
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import User
from applications.models import ApplicationEvent
from calls.models import CallKind
from decisions import services
from decisions.letters import (
    LetterError,
    letter_attachment,
    letter_pdf,
    render_letter,
    send_letter,
    send_letters,
)
from decisions.models import Decision, Letter, LetterTemplate, Outcome
from notifications.models import Message
from reviews import reviewing
from reviews.confidentiality import redact
from reviews.models import AssignmentState

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    CallCriterionFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
)
from .reading import flat, pdf_text

pytestmark = pytest.mark.django_db

MEETING = dt.date(2026, 11, 20)
TITLE = "Études des éphémères d'Afrique"
REVIEWER = {"first_name": "Camille", "last_name": "Verdier", "email": "camille.verdier@example.org"}
SECOND_REVIEWER = {"first_name": "Hervé", "last_name": "Quéméner", "email": "hq@example.org"}
COMMENT = "Le corpus est bien choisi ; le calendrier est serré. Camille Verdier"
SECOND_COMMENT = "Méthode solide (voir Quéméner 2019), contact : hq@example.org"
CONFIDENTIAL = "Confidentiel : équipe fragile, à surveiller"


@pytest.fixture
def staff(programme_manager):
    return programme_manager


@pytest.fixture
def call():
    call = CallFactory(
        closed=True,
        kind=CallKind.PROJECTS,
        title_fr="Appel « Patrimoines » 2026",
        title_en="Heritage call 2026",
        envelope=Decimal("400000.00"),
        max_amount=Decimal("60000.00"),
    )
    CallCriterionFactory(call=call, name_en="Quality")
    return call


def lead(language="fr", **fields):
    return UserFactory(first_name="Louise", last_name="Dubreuil", language=language, **fields)


def reviewed(call, lead_user, *, title=TITLE):
    """An application in review with two submitted reviews: one signed by its reviewer, one
    quoting the other's name and address; both with a confidential comment."""
    application = ApplicationFactory(call=call, lead=lead_user, title=title, in_review=True)
    BudgetLineFactory(application=application, amount_requested=Decimal("5000.00"))  # 15,000
    for person, comment in ((REVIEWER, COMMENT), (SECOND_REVIEWER, SECOND_COMMENT)):
        reviewer = User.objects.filter(email=person["email"]).first() or ReviewerFactory(**person)
        assignment = AssignmentFactory(
            application=application, reviewer=reviewer, state=AssignmentState.ACCEPTED
        )
        reviewing.submit_review(
            assignment,
            reviewer,
            {
                "scores": {criterion.pk: (4, "Argumenté.") for criterion in call.criteria.all()},
                "comment_for_applicant": comment,
                "confidential_comment": CONFIDENTIAL,
                "recommendation": "fund",
            },
        )
    return application


def decide(application, staff, outcome=Outcome.FUNDED, **fields):
    defaults = {
        "meeting_date": MEETING,
        "motivation": "Un projet ambitieux et réaliste.",
        "amount": Decimal("12500.00") if outcome == Outcome.FUNDED else None,
    }
    return services.record_decision(application, staff, outcome=outcome, **{**defaults, **fields})


def decided(call, staff, language="fr", outcome=Outcome.FUNDED, **fields):
    return decide(reviewed(call, lead(language)), staff, outcome, **fields)


def leaks(text):
    """What of the reviewers' identities and confidential comments `text` shows."""
    secrets = [
        *REVIEWER.values(),
        SECOND_REVIEWER["last_name"],
        SECOND_REVIEWER["email"],
        f"{SECOND_REVIEWER['first_name']} {SECOND_REVIEWER['last_name']}",
        CONFIDENTIAL,
        "équipe fragile",
    ]
    return [secret for secret in secrets if secret.lower() in text.lower()]


# The text


def test_a_french_applicant_gets_a_french_letter_with_the_amount_written_the_french_way(
    call, staff
):
    decision = decided(call, staff, "fr", conditions="Un rapport d'étape à six mois.")

    text = render_letter(decision)
    subject, body = text

    assert text.language == "fr"
    assert subject == f"Décision de financement\u00a0: candidature {decision.application.reference}"
    assert "Madame, Monsieur," in body
    assert "12\u00a0500,00\u00a0€" in body
    assert "«\u00a0Appel « Patrimoines » 2026\u00a0»" in body
    assert TITLE in body
    assert "Réuni le 20 novembre 2026, " in body  # then the body's name, once translated
    assert "Un rapport d'étape à six mois." in body
    assert "Un projet ambitieux et réaliste." in body


def test_an_english_applicant_gets_an_english_letter(call, staff):
    decision = decided(call, staff, "en")

    subject, body = render_letter(decision)

    assert subject == f"Funding decision: application {decision.application.reference}"
    assert "Dear Louise Dubreuil," in body
    assert "€12,500.00" in body
    assert "“Heritage call 2026”" in body
    assert (
        "At its meeting of 20 November 2026, the members' council of CollEx-Persée decided" in body
    )
    assert translation.get_language() == "fr"  # the caller's language is left as it was


@pytest.mark.parametrize(
    ("outcome", "fields", "expected"),
    [
        (Outcome.RESERVE, {"reserve_rank": 2}, "on the reserve list, at rank 2"),
        (Outcome.REJECTED, {}, "could not be selected for funding"),
    ],
)
def test_each_outcome_has_its_default_letter(call, staff, outcome, fields, expected):
    decision = decided(call, staff, "en", outcome, **fields)

    _subject, body = render_letter(decision)

    assert expected in body
    assert "€" not in body


def test_a_withdrawn_grant_has_its_letter(call, staff):
    decision = decided(call, staff, "fr")
    services.withdraw_funding(decision.application, staff, "Le porteur a quitté son poste.")
    decision.refresh_from_db()

    subject, body = render_letter(decision)

    assert subject.startswith("Retrait du financement")
    assert "Le porteur a quitté son poste." not in body  # staff's reason stays in the audit trail


def test_comments_for_the_applicant_are_in_the_letter_without_any_reviewer(call, staff):
    decision = decided(call, staff, "fr")

    _subject, body = render_letter(decision)

    assert "Le corpus est bien choisi ; le calendrier est serré. […]" in body
    assert "Méthode solide (voir […] 2019), contact : […]" in body
    assert leaks(body) == []


def test_a_reviewers_name_in_what_staff_wrote_is_blacked_out_too(call, staff):
    """The whole letter goes through the one redaction, not only the reviewers' comments."""
    full_name = f"{SECOND_REVIEWER['first_name']} {SECOND_REVIEWER['last_name']}"
    decision = decided(
        call,
        staff,
        "fr",
        motivation=f"Suivant l'avis de {full_name}, le conseil finance le projet.",
        conditions=f"Écrire à {SECOND_REVIEWER['email']} avant de commencer.",
    )

    _subject, body = render_letter(decision)

    assert "Suivant l'avis de […], le conseil finance le projet." in body
    assert leaks(body) == []


def test_redaction_keeps_ordinary_words_that_look_like_a_name():
    people = [("Marie", "Blanc", "marie.blanc@example.org")]

    assert (
        redact("Un fonds blanc, écrit par BLANC Marie.", people) == "Un fonds blanc, écrit par […]."
    )
    assert redact("Blanc (marie.blanc@example.org) approuve.", people) == "[…] ([…]) approuve."


# Staff templates


def test_the_template_for_the_call_kind_wins_over_the_one_for_every_kind_and_the_default(
    call, staff
):
    decision = decided(call, staff, "en")
    every_kind = LetterTemplate.objects.create(
        kind="", outcome=Outcome.FUNDED, language="en", subject="Every kind", body="Generic."
    )
    LetterTemplate.objects.create(
        kind=CallKind.RESIDENCY, outcome=Outcome.FUNDED, language="en", subject="R", body="R."
    )
    LetterTemplate.objects.create(
        kind=CallKind.PROJECTS, outcome=Outcome.FUNDED, language="fr", subject="Fr", body="Fr."
    )
    assert render_letter(decision).template == every_kind

    own = LetterTemplate.objects.create(
        kind=CallKind.PROJECTS,
        outcome=Outcome.FUNDED,
        language="en",
        subject="Good news for {{ reference }}",
        body="{{ lead_name }}: {{ amount }} for “{{ application.title }}”.\n\n"
        "{% for comment in comments %}- {{ comment }}\n{% endfor %}",
    )
    text = render_letter(decision)

    assert text.template == own
    assert text.subject == f"Good news for {decision.application.reference}"
    assert text.body.startswith(f"Louise Dubreuil: €12,500.00 for “{TITLE}”.")
    assert "- Le corpus est bien choisi" in text.body
    assert leaks(text.body) == []


def test_a_staff_template_cannot_walk_from_the_application_to_its_reviewers(call, staff):
    decision = decided(call, staff, "fr")
    LetterTemplate.objects.create(
        kind="",
        outcome=Outcome.FUNDED,
        language="fr",
        subject="Décision",
        body="[{{ application.assignments.all }}][{{ application.consensus }}]"
        "[{% for a in application.assignments.all %}{{ a.reviewer.email }}{% endfor %}]"
        "[{{ application.lead.email }}][{{ call.applications.all }}]"
        "[{{ application.call.title }}]",
    )

    text = render_letter(decision)

    # Refused by the sandbox before anything is read: the default letter goes instead.
    assert text.body.startswith("Madame, Monsieur,") and text.failed_template is not None
    assert "assignments" in text.error


@pytest.mark.parametrize(
    "broken",
    [
        "{% if amount %}never closed",  # does not compile
        "{{ reserve_rank|divisibleby:0 }}",  # a filter the sandbox does not offer
        "{% if False %}nothing{% endif %}",  # renders to nothing
    ],
)
def test_a_broken_template_falls_back_to_the_default_letter_and_says_so(
    call, staff, broken, caplog
):
    decision = decided(call, staff, "en")
    template = LetterTemplate.objects.create(
        kind=CallKind.PROJECTS, outcome=Outcome.FUNDED, language="en", subject="S", body=broken
    )

    with caplog.at_level(logging.ERROR, logger="decisions.letters"):
        text = render_letter(decision)

    assert text.body.startswith("Dear Louise Dubreuil,")  # the default letter
    assert text.template is None and text.failed_template == template
    assert text.error
    assert "default text is used" in caplog.text


def test_a_letter_needs_a_decision(call, staff):
    application = reviewed(call, lead())
    services.record_proposal(application, staff, outcome=Outcome.FUNDED, amount=Decimal("9000"))
    decision = Decision.objects.get(application=application)

    with pytest.raises(LetterError):
        render_letter(decision)
    with pytest.raises(LetterError):
        send_letter(decision, staff)
    assert not Letter.objects.exists()
    assert not Message.objects.filter(event="decision").exists()


# The PDF


def test_the_pdf_is_an_a4_letter_read_back_with_its_accents(call, staff):
    decision = decided(call, staff, "fr")
    subject, body = render_letter(decision)
    letter = Letter.objects.create(
        decision=decision, outcome=decision.outcome, language="fr", subject=subject, body=body
    )

    pdf = letter_pdf(letter)
    reader = PdfReader(io.BytesIO(pdf))
    text = flat(pdf_text(pdf))

    assert pdf.startswith(b"%PDF")
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    assert "CollEx-Persée" in text
    assert flat(subject) in text
    assert decision.application.reference in text
    assert TITLE in text
    assert "Études" in text and "éphémères" in text and "Réuni le 20 novembre 2026" in text
    assert "12 500,00 €" in text
    assert leaks(text) == []


def test_the_pdf_shows_the_letter_as_it_was_written(call, staff):
    """Letters are kept as written: a later change of template or decision does not alter the
    PDF of a letter already sent."""
    decision = decided(call, staff, "en")
    letter = Letter.objects.create(
        decision=decision, outcome="funded", language="en", subject="As sent", body="Kept text."
    )
    LetterTemplate.objects.create(
        kind="", outcome=Outcome.FUNDED, language="en", subject="New", body="Changed text."
    )

    filename, pdf, mimetype = letter_attachment(letter.pk, language="fr")

    assert mimetype == "application/pdf"
    assert filename.endswith(f"-{decision.application.reference}-{letter.pk}.pdf")
    text = pdf_text(pdf)
    assert "Kept text." in text and "Changed text." not in text
    assert "The programme team" in text  # the letter's language, not the one asked for


# Sending


def test_sending_keeps_the_letter_and_emails_it_with_its_pdf(
    call, staff, django_capture_on_commit_callbacks
):
    decision = decided(call, staff, "fr")
    application = decision.application

    with django_capture_on_commit_callbacks(execute=True):
        letter = send_letter(decision, staff)

    subject, body = render_letter(decision)
    assert (letter.subject, letter.body, letter.language) == (subject, body, "fr")
    assert (letter.outcome, letter.sent_by) == (Outcome.FUNDED, staff)
    [email] = mail.outbox
    assert email.to == [application.lead.email]
    assert email.subject == f"[CollEx-Persée] {subject}"
    assert "12\u00a0500,00\u00a0€" in email.body
    assert "Le corpus est bien choisi" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert mimetype == "application/pdf" and filename.endswith(".pdf")
    assert "12 500,00 €" in flat(pdf_text(content))
    html = email.alternatives[0][0]
    assert "Le corpus est bien choisi" in html
    for part in (email.subject, email.body, html, pdf_text(content)):
        assert leaks(part) == []
    message = Message.objects.get(event="decision")
    assert message.url.endswith(reverse("decisions:letter", args=[application.pk, letter.pk]))
    assert message.user == application.lead
    audit = ApplicationEvent.objects.get(application=application, action="letter_sent")
    assert (audit.subject, audit.actor, audit.to_state) == ("decision", staff, Outcome.FUNDED)


def test_an_english_applicant_gets_the_email_and_pdf_in_english(
    call, staff, django_capture_on_commit_callbacks
):
    decision = decided(call, staff, "en")

    with django_capture_on_commit_callbacks(execute=True):
        send_letter(decision, staff)

    [email] = mail.outbox
    assert email.subject.startswith("[CollEx-Persée] Funding decision: application")
    assert "The decision letter is attached as a PDF." in email.body
    assert "€12,500.00" in email.body
    assert "€12,500.00" in pdf_text(email.attachments[0][1])


def test_sending_again_sends_a_new_letter_and_keeps_the_first(
    call, staff, django_capture_on_commit_callbacks
):
    decision = decided(call, staff, "en")
    with django_capture_on_commit_callbacks(execute=True):
        first = send_letter(decision, staff)
    LetterTemplate.objects.create(
        kind="", outcome=Outcome.FUNDED, language="en", subject="Corrected", body="Corrected."
    )

    with django_capture_on_commit_callbacks(execute=True):
        second = send_letter(decision, staff)

    assert list(decision.letters.all()) == [second, first]
    first.refresh_from_db()
    assert first.body.startswith("Dear Louise Dubreuil,") and second.body == "Corrected."
    assert [email.subject for email in mail.outbox] == [
        f"[CollEx-Persée] {first.subject}",
        "[CollEx-Persée] Corrected",
    ]
    assert ApplicationEvent.objects.filter(action="letter_sent").count() == 2


def test_a_call_batch_sends_each_decided_application_without_a_letter_for_its_outcome(
    call, staff, django_capture_on_commit_callbacks
):
    already = decided(call, staff, "fr", Outcome.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        send_letter(already, staff)
    promoted = decided(call, staff, "en", Outcome.RESERVE, reserve_rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        send_letter(promoted, staff)
    promoted = decide(promoted.application, staff, Outcome.FUNDED)  # from the reserve list
    waiting = decided(call, staff, "en", Outcome.REJECTED)
    proposed_only = reviewed(call, lead())
    services.record_proposal(proposed_only, staff, outcome=Outcome.REJECTED)
    elsewhere = decided(CallFactory(closed=True), staff, "fr", Outcome.REJECTED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        letters = send_letters(call, staff)

    assert sorted(letter.decision_id for letter in letters) == sorted([promoted.pk, waiting.pk])
    assert promoted.letters.first().outcome == Outcome.FUNDED
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [promoted.application.lead.email, waiting.application.lead.email]
    )
    assert not elsewhere.letters.exists()
    assert already.letters.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_letters(call, staff) == []  # sending the batch again sends nothing
    assert len(mail.outbox) == 2
