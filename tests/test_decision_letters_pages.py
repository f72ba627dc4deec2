"""Decision letter pages: the staff's preview and sending (one application, a call's batch), the
applicant's sent letters, who may open each, and the letter templates in the Wagtail admin."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from calls.models import CallKind
from decisions.letters import send_letter
from decisions.models import Envelope, Letter, LetterTemplate, Outcome

from .factories import (
    AssignmentFactory,
    CallFactory,
    ProgrammeFactory,
    UserFactory,
    decided_application,
    joined_member,
)
from .reading import pdf_text, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def call():
    return CallFactory(closed=True, kind=CallKind.PROJECTS, title_en="Heritage call")


@pytest.fixture
def lead():
    return UserFactory(first_name="Louise", last_name="Dubreuil", language="en")


@pytest.fixture
def decided(call, lead):
    return decided_application(
        call, "funded", Decimal("12500.00"), application={"lead": lead, "title": "Éphémères"}
    )


@pytest.fixture
def sent(decided, programme_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_letter(decided.decision, programme_manager)
    mail.outbox.clear()
    return letter


def persona(name, request, decided):
    """The user a test row names; "team_member" joined the team of `decided` (not its owner)
    by accepting the lead's invitation, "reviewer" reviews it."""
    if name == "anonymous":
        return None
    if name == "team_member":
        user = UserFactory(email="co-porteuse@example.org")
        joined_member(decided, user, is_lead=True)
        return user
    if name == "reviewer":
        return AssignmentFactory(application=decided, state="accepted").reviewer
    if name == "owner":
        return decided.lead
    return request.getfixturevalue(name)


def status(client, user, method, url, data=None):
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    if user is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return "log"
    return response.status_code


# Who may open what

STAFF_PAGES = [
    # name, method, expected: anonymous, owner, team member, other applicant, reviewer, council,
    # programme manager, administrator
    ("letter_preview", "get", ["log", 404, 404, 404, 404, 404, 200, 200]),
    ("letter_preview_pdf", "get", ["log", 404, 404, 404, 404, 404, 200, 200]),
    ("send_letter", "post", ["log", 404, 404, 404, 404, 404, 302, 302]),
]
APPLICANT_PAGES = [
    ("letter", ["log", 200, 200, 404, 404, 404, 200, 200]),
    ("letter_pdf", ["log", 200, 200, 404, 404, 404, 200, 200]),
]
PERSONAS = [
    "anonymous",
    "owner",
    "team_member",
    "other_applicant",
    "reviewer",
    "council_member",
    "programme_manager",
    "administrator",
]


@pytest.mark.parametrize(("name", "method", "expected"), STAFF_PAGES)
@pytest.mark.parametrize("who", range(len(PERSONAS)))
def test_staff_pages_are_for_those_who_record_decisions(
    client, request, decided, name, method, expected, who
):
    user = persona(PERSONAS[who], request, decided)
    url = reverse(f"decisions:{name}", args=[decided.pk])

    assert status(client, user, method, url, {"confirm": "1"}) == expected[who]
    if expected[who] != 302:
        assert not Letter.objects.exists()


@pytest.mark.parametrize(("name", "expected"), APPLICANT_PAGES)
@pytest.mark.parametrize("who", range(len(PERSONAS)))
def test_sent_letters_are_read_by_those_who_may_read_the_application(
    client, request, sent, decided, name, expected, who
):
    user = persona(PERSONAS[who], request, decided)
    url = reverse(f"decisions:{name}", args=[decided.pk, sent.pk])

    assert status(client, user, "get", url) == expected[who]


def test_a_letter_of_another_application_is_not_found_through_ones_own(
    client, call, decided, sent, programme_manager, django_capture_on_commit_callbacks
):
    mine = decided_application(call, "rejected", application={"lead": UserFactory()})
    client.force_login(mine.lead)

    response = client.get(reverse("decisions:letter_pdf", args=[mine.pk, sent.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "who", ["anonymous", "owner", "other_applicant", "council_member", "programme_manager"]
)
def test_a_call_batch_is_sent_by_staff_only_and_by_post(client, request, call, decided, who):
    user = persona(who, request, decided)
    url = reverse("decisions:send_call_letters", args=[call.slug])
    expected = {"anonymous": "log", "programme_manager": 302}.get(who, 404)

    if user is not None:
        client.force_login(user)
        assert client.get(url).status_code == 405
    assert status(client, user, "post", url) == expected
    assert Letter.objects.count() == (1 if who == "programme_manager" else 0)


# The staff's preview and sending


def test_staff_preview_the_letter_in_the_applicants_language_before_sending(
    client, programme_manager, decided
):
    client.force_login(programme_manager)

    response = client.get(reverse("decisions:letter_preview", args=[decided.pk]))

    page = text_of(response)
    assert response.status_code == 200
    assert "To Louise Dubreuil (" in page and "in English, the applicant's language" in page
    assert "Dear Louise Dubreuil," in page
    assert "€12,500.00" in page
    assert "Written from the default letter for this decision" in page
    assert reverse("decisions:letter_preview_pdf", args=[decided.pk]) in page
    assert 'name="confirm"' in page
    assert "Letters sent" not in page


def test_the_preview_pdf_is_the_letter_to_be_sent_and_stores_nothing(
    client, programme_manager, decided
):
    client.force_login(programme_manager)

    response = client.get(reverse("decisions:letter_preview_pdf", args=[decided.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    assert "Dear Louise Dubreuil," in pdf_text(response.content)
    assert not Letter.objects.exists() and not mail.outbox


def test_the_preview_tells_staff_that_a_broken_template_was_replaced(
    client, programme_manager, decided
):
    template = LetterTemplate.objects.create(
        kind=CallKind.PROJECTS,
        outcome=Outcome.FUNDED,
        language="en",
        subject="S",
        body="{% if amount %}never closed",
    )
    client.force_login(programme_manager)

    page = text_of(client.get(reverse("decisions:letter_preview", args=[decided.pk])))

    assert f"The letter template “{template}” could not be used" in page
    assert "Dear Louise Dubreuil," in page  # the default letter
    edit = reverse("wagtailsnippets_decisions_lettertemplate:edit", args=[template.pk])
    assert edit in page


def test_an_application_without_decision_has_no_letter_to_send(client, programme_manager, call):
    from .factories import in_review_application

    application = in_review_application(call)
    client.force_login(programme_manager)

    page = text_of(client.get(reverse("decisions:letter_preview", args=[application.pk])))
    response = client.post(
        reverse("decisions:send_letter", args=[application.pk]), {"confirm": "1"}, follow=True
    )

    assert "No decision has been recorded on this application yet" in page
    assert 'name="confirm"' not in page
    assert "No decision has been recorded" in text_of(response)
    assert not Letter.objects.exists()
    pdf = client.get(reverse("decisions:letter_preview_pdf", args=[application.pk]))
    assert pdf.status_code == 404


def test_sending_needs_the_confirmation(client, programme_manager, decided):
    client.force_login(programme_manager)
    url = reverse("decisions:send_letter", args=[decided.pk])

    refused = client.post(url, {}, follow=True)

    assert "Tick the box to confirm that you read the letter." in text_of(refused)
    assert not Letter.objects.exists()


def test_staff_send_the_letter_and_see_it_in_the_history(
    client, programme_manager, decided, django_capture_on_commit_callbacks
):
    client.force_login(programme_manager)
    url = reverse("decisions:send_letter", args=[decided.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "1"}, follow=True)

    letter = Letter.objects.get()
    page = text_of(response)
    assert f"The letter was sent to {decided.lead.email}, with its PDF." in page
    assert "Letters sent" in page and "Send a new letter" in page
    assert reverse("decisions:letter_pdf", args=[decided.pk, letter.pk]) in page
    [email] = mail.outbox
    assert email.to == [decided.lead.email]
    assert email.attachments[0][2] == "application/pdf"


def test_the_call_batch_goes_back_to_the_page_it_was_sent_from(
    client, programme_manager, call, decided, django_capture_on_commit_callbacks
):
    decided_application(call, "rejected")
    client.force_login(programme_manager)
    url = reverse("decisions:send_call_letters", args=[call.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "/en/somewhere/"})
    again = client.post(url, {"next": "https://elsewhere.example.org/"}, follow=True)

    assert response["Location"] == "/en/somewhere/"
    assert Letter.objects.count() == 2 and len(mail.outbox) == 2
    assert again.redirect_chain[0][0] == reverse("decisions:call", args=[call.slug])
    assert "Every decided application of this call has its letter." in text_of(again)


@pytest.mark.parametrize("letters", [1, 6])
def test_the_preview_needs_the_same_queries_whatever_the_number_of_letters_sent(
    client, programme_manager, decided, letters, django_assert_max_num_queries
):
    for number in range(letters):
        Letter.objects.create(
            decision=decided.decision,
            outcome="funded",
            language="en",
            subject=f"Letter {number}",
            body="Text.",
            sent_by=programme_manager,
        )
    client.force_login(programme_manager)

    # 18: the letter as written is checked for the reviewers' names (reviews.confidentiality).
    with django_assert_max_num_queries(18):
        response = client.get(reverse("decisions:letter_preview", args=[decided.pk]))

    assert text_of(response).count("(PDF)</a>") == letters


# The applicant


def test_the_applicant_finds_the_letter_on_the_application_page(client, decided, sent):
    client.force_login(decided.lead)

    page = text_of(client.get(reverse("applications:edit", args=[decided.pk])))
    letter = text_of(client.get(reverse("decisions:letter", args=[decided.pk, sent.pk])))
    pdf = client.get(reverse("decisions:letter_pdf", args=[decided.pk, sent.pk]))

    assert reverse("decisions:letter", args=[decided.pk, sent.pk]) in page
    assert reverse("decisions:letter_pdf", args=[decided.pk, sent.pk]) in page
    assert sent.subject in page
    assert "Dear Louise Dubreuil," in letter and "€12,500.00" in letter
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert "Dear Louise Dubreuil," in pdf_text(pdf.content)


def test_no_letter_link_before_a_letter_is_sent(client, decided):
    client.force_login(decided.lead)

    page = text_of(client.get(reverse("applications:edit", args=[decided.pk])))

    assert "decision-letters" not in page


# The admin


ADD = "wagtailsnippets_decisions_lettertemplate:add"
PREVIEW = "wagtailsnippets_decisions_lettertemplate:preview_on_add"


def template_form(**fields):
    return {
        "kind": CallKind.PROJECTS,
        "outcome": Outcome.FUNDED,
        "language": "en",
        "subject": "Funded: {{ reference }}",
        "body": "Dear {{ lead_name }},\n\n{{ amount }} for “{{ title }}”.",
        **fields,
    }


def test_staff_write_a_letter_template_and_preview_it_with_sample_data(client, programme_manager):
    client.force_login(programme_manager)
    assert client.get(reverse(ADD)).status_code == 200

    check = client.post(reverse(PREVIEW), template_form())
    page = text_of(client.get(reverse(PREVIEW)))

    assert check.json() == {"is_valid": True, "is_available": True}
    assert "Funded: 007-00042" in page
    assert "Dear Alex Porteur," in page and "€12,500.00 for “Photographies d'Afrique”" in page
    assert not LetterTemplate.objects.exists()

    response = client.post(reverse(ADD), template_form())
    assert response.status_code == 302
    assert LetterTemplate.objects.get().subject == "Funded: {{ reference }}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # The admin speaks French here (the user's default admin language).
        ("{% if amount %}never closed", "Ce modèle contient une erreur"),
        ("{{ reserve_rank|divisibleby:0 }}", "Le filtre «\xa0divisibleby\xa0» n’est pas autorisé"),
        ("{% if False %}nothing{% endif %}", "Avec les données d'exemple, ce courrier ne peut pas"),
    ],
)
def test_a_broken_letter_template_is_refused_with_its_error(
    client, programme_manager, body, message
):
    client.force_login(programme_manager)

    response = client.post(reverse(ADD), template_form(body=body))

    assert response.status_code == 200
    assert message in text_of(response)
    assert not LetterTemplate.objects.exists()


def test_staff_edit_budget_envelopes_in_the_admin(client, programme_manager):
    programme = ProgrammeFactory()
    client.force_login(programme_manager)

    response = client.post(
        reverse("wagtailsnippets_decisions_envelope:add"),
        {"programme": programme.pk, "year": 2026, "amount": "250000.00", "note": "Vote du CM"},
    )

    assert response.status_code == 302
    envelope = Envelope.objects.get()
    assert (envelope.programme, envelope.year, envelope.amount) == (
        programme,
        2026,
        Decimal("250000.00"),
    )


@pytest.mark.parametrize("role", [None, Role.COUNCIL_MEMBER, Role.REVIEWER])
def test_others_cannot_edit_letter_templates(client, role):
    client.force_login(UserFactory(roles=[role] if role else []))

    response = client.get(reverse(ADD))

    assert response.status_code in (302, 403)
