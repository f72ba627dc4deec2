"""What a reviewer sees: the dashboard, the profile, an invitation, answering an assignment, the
dossier and its files, the review form, the other reviews; and what everybody else does not."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, Attachment, Submission
from applications.snapshot import build_snapshot, fingerprint
from reviews import reviewing
from reviews.models import (
    Assignment,
    AssignmentState,
    ConflictDeclaration,
    Invitation,
    Reply,
    Review,
    ReviewerKind,
    ReviewerProfile,
    ReviewState,
)

from .factories import (
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    DisciplineFactory,
    InstitutionFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    in_review_application,
    support_letter_question,
)
from .reading import visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "empty_private_folder")]

SUMMARY = "q-summary"
LETTER = "q-letter"
ANSWER_TEXT = "Un corpus de lettres inédites de Marceline Desbordes-Valmore."
FILE_NAME = "lettre-de-soutien.pdf"
FILE_BYTES = b"%PDF-1.4 lettre de soutien"
SECRET_EXCLUDED = "Rival Redouté"


def questions():
    return [
        {
            "type": "text",
            "id": SUMMARY,
            "value": {
                "label": "Résumé du projet",
                "label_en": "Project summary",
                "help_text": "",
                "required": True,
                "max_length": 255,
            },
        },
        support_letter_question(LETTER),
    ]


def reviewed_call(**kwargs):
    call = CallFactory(closed=True, questions=questions(), **kwargs)
    CallCriterionFactory(call=call, name_en="Scientific quality", scale_min=0, scale_max=5)
    CallCriterionFactory(call=call, name_en="Feasibility", scale_min=0, scale_max=5)
    return call


def submitted_application(call, **kwargs):
    """An eligible application with an answer, a file and its submission snapshot."""
    application = in_review_application(call, **kwargs)
    application.answers = {SUMMARY: ANSWER_TEXT}
    application.save(update_fields=["answers"])
    TeamMemberFactory(
        application=application,
        name="Aurore Lebrun",
        institution=InstitutionFactory(name="Université de Lille"),
    )
    Attachment.objects.create(
        application=application,
        question_id=LETTER,
        file=ContentFile(FILE_BYTES, name=FILE_NAME),
        original_name=FILE_NAME,
        content_type="application/pdf",
        size=len(FILE_BYTES),
        sha256=hashlib.sha256(FILE_BYTES).hexdigest(),
    )
    snapshot(application)
    return application


def snapshot(application, **extra):
    number = application.submissions.count() + 1
    content = build_snapshot(application, timezone.now())
    # Another engineer adds the people the applicant asked to exclude: never shown to reviewers.
    content["excluded_reviewers"] = [{"name": SECRET_EXCLUDED, "email": "rival@example.org"}]
    content.update(extra)
    return Submission.objects.create(
        application=application,
        number=number,
        received_at=timezone.now(),
        content=content,
        fingerprint=fingerprint(content),
    )


@pytest.fixture
def call():
    return reviewed_call()


@pytest.fixture
def application(call, applicant):
    return submitted_application(call, lead=applicant)


@pytest.fixture
def expert(programme_manager):
    return ReviewerFactory(email="relectrice@example.org", first_name="Irène", last_name="Joliot")


@pytest.fixture
def pending(application, expert, programme_manager):
    return AssignmentFactory(
        application=application, reviewer=expert, assigned_by=programme_manager
    )


@pytest.fixture
def accepted(pending):
    pending.state = AssignmentState.ACCEPTED
    pending.save(update_fields=["state"])
    ConflictDeclaration.objects.create(assignment=pending, has_conflict=False)
    return pending


def page_url(assignment):
    return reverse("reviews:assignment", args=[assignment.pk])


def answer_url(assignment):
    return reverse("reviews:answer", args=[assignment.pk])


def file_url(assignment, attachment=None):
    attachment = attachment or assignment.application.attachments.get()
    return reverse("reviews:attachment", args=[assignment.pk, attachment.pk])


def signed_in(client, user):
    client.force_login(user)
    return client


def review_post(call, scores, action="save", **fields):
    data = {"action": action}
    for criterion, score in zip(call.criteria.order_by("sort_order"), scores, strict=True):
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = f"Sur {criterion.name_en}."
    data.update(fields)
    return data


COMPLETE = {
    "comment_for_applicant": "Un projet solide et bien entouré.",
    "confidential_comment": "Équipe reconnue.",
    "recommendation": "fund",
}


# Who may see what


@pytest.mark.parametrize("name", ["dashboard", "profile"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(f"reviews:{name}"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_anonymous_visitors_are_sent_to_sign_in_from_an_assignment_and_its_files(client, accepted):
    for url in (page_url(accepted), file_url(accepted)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    response = client.post(answer_url(accepted), {"action": "decline"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["applicant", "programme_manager", "council_member"])
def test_people_who_are_not_reviewers_get_404_on_the_reviewers_pages(client, persona, request):
    signed_in(client, request.getfixturevalue(persona))
    assert client.get(reverse("reviews:dashboard")).status_code == 404
    assert client.get(reverse("reviews:profile")).status_code == 404


@pytest.mark.parametrize(
    "persona", ["other_reviewer", "applicant", "programme_manager", "council_member"]
)
def test_nobody_but_the_assignee_sees_an_assignment_or_its_files(
    client, accepted, persona, request
):
    if persona == "other_reviewer":
        user = ReviewerFactory()
        AssignmentFactory(application=accepted.application, reviewer=user, state="accepted")
    else:
        user = request.getfixturevalue(persona)
    signed_in(client, user)
    assert client.get(page_url(accepted)).status_code == 404
    assert client.get(file_url(accepted)).status_code == 404
    response = client.post(answer_url(accepted), {"action": "conflict", "conflict-reason": "x"})
    assert response.status_code == 404
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.ACCEPTED


def test_a_recused_declined_or_cancelled_assignment_is_404_to_its_reviewer_too(
    client, pending, expert
):
    signed_in(client, expert)
    for state in (AssignmentState.RECUSED, AssignmentState.DECLINED, AssignmentState.CANCELLED):
        Assignment.objects.filter(pk=pending.pk).update(state=state)
        assert client.get(page_url(pending)).status_code == 404
        assert client.get(file_url(pending)).status_code == 404


def test_a_file_of_another_application_is_404_even_through_an_accepted_assignment(
    client, accepted, expert, call
):
    elsewhere = submitted_application(call)
    signed_in(client, expert)
    assert client.get(file_url(accepted, elsewhere.attachments.get())).status_code == 404


# The dashboard


def test_the_dashboard_groups_only_the_reviewers_own_assignments(client, call, expert):
    now = timezone.now()

    def mine(title, state="pending", due=14, **kwargs):
        application = in_review_application(call, title=title)
        return AssignmentFactory(
            application=application,
            reviewer=expert,
            state=state,
            due_at=now + dt.timedelta(days=due),
            **kwargs,
        )

    mine("Atlas des herbiers")
    mine("Cartes anciennes", state="accepted", due=-2)  # late
    drafted = mine("Fonds photographiques", state="accepted")
    Review.objects.create(assignment=drafted)
    done = mine("Presse ouvrière", state="accepted")
    Review.objects.create(
        assignment=done,
        state=ReviewState.SUBMITTED,
        submitted_at=now,
        weighted_score=Decimal("15.50"),
    )
    mine("Archives sonores", state="declined")
    mine("Manuscrits arabes", state="recused")
    AssignmentFactory(
        application=in_review_application(call, title="Le dossier d'un autre"),
        reviewer=ReviewerFactory(),
    )

    response = signed_in(client, expert).get(reverse("reviews:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    text = visible_text(response)
    assert "Le dossier d'un autre" not in text

    def section(css):
        return page.split(f'class="table align-middle {css}"')[1].split("</table>")[0]

    assert "Atlas des herbiers" in section("assignments-pending")
    to_review = section("assignments-to-review")
    assert "Cartes anciennes" in to_review and "Fonds photographiques" in to_review
    assert "Late" in to_review.split("Cartes anciennes")[1].split("</tr>")[0]
    assert "Late" not in to_review.split("Fonds photographiques")[1].split("</tr>")[0]
    assert "Draft" in to_review and "Not started" in to_review
    done_rows = section("assignments-done")
    assert "Presse ouvrière" in done_rows and "15.50/20" in done_rows
    past = section("assignments-past")
    assert "Archives sonores" in past and "You declined" in past
    assert "Manuscrits arabes" in past and "You declared a conflict of interest" in past
    assert reverse("reviews:profile") in page
    assert "1 late" in text


def test_due_dates_are_shown_in_paris_time(client, pending, expert):
    Assignment.objects.filter(pk=pending.pk).update(
        due_at=dt.datetime(2031, 1, 15, 22, 30, tzinfo=dt.UTC)
    )
    text = visible_text(signed_in(client, expert).get(reverse("reviews:dashboard")))
    assert "23:30" in text


def many_assignments(reviewer, count):
    """`count` assignments of `reviewer` in every state, created in a handful of queries."""
    call = reviewed_call()
    lead = UserFactory()
    applications = Application.objects.bulk_create(
        Application(call=call, lead=lead, title=f"Projet {n}", state="in_review")
        for n in range(count)
    )
    states = ["pending", "accepted", "accepted", "declined", "recused", "cancelled"]
    due = timezone.now() + dt.timedelta(days=3)
    assignments = Assignment.objects.bulk_create(
        Assignment(
            application=application,
            reviewer=reviewer,
            state=states[n % len(states)],
            due_at=due - dt.timedelta(days=n % 7),
        )
        for n, application in enumerate(applications)
    )
    Review.objects.bulk_create(
        Review(
            assignment=assignment,
            state=ReviewState.SUBMITTED if n % 2 else ReviewState.DRAFT,
            submitted_at=timezone.now() if n % 2 else None,
            weighted_score=Decimal("12.25") if n % 2 else None,
        )
        for n, assignment in enumerate(a for a in assignments if a.state == "accepted")
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_the_dashboard_costs_the_same_few_queries_at_10_and_1000_assignments(
    client, django_assert_max_num_queries, count
):
    reviewer = ReviewerFactory()
    many_assignments(reviewer, count)
    signed_in(client, reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:dashboard"))
    assert response.status_code == 200
    assert response.content.decode().count('href="' + reverse("reviews:dashboard")) >= 1
    assert visible_text(response).count("/20") >= count // 6


# An invitation


@pytest.fixture
def invitation(programme_manager, call):
    return Invitation.objects.create(
        email="nouvelle@example.org",
        name="Nouvelle Experte",
        message="Votre regard sur les fonds sonores nous serait précieux.",
        call=call,
        invited_by=programme_manager,
    )


def test_an_invitation_tells_a_visitor_who_invites_why_and_how_to_sign_up(
    client, invitation, programme_manager
):
    response = client.get(reverse("reviews:invitation", args=[invitation.token]))
    assert response.status_code == 200
    text = visible_text(response)
    assert programme_manager.get_full_name() in text
    assert invitation.call.title in text
    assert "Votre regard sur les fonds sonores" in text
    assert "nouvelle@example.org" in text
    page = response.content.decode()
    invitation_path = reverse("reviews:invitation", args=[invitation.token])
    assert f"{reverse('account_signup')}?next={invitation_path.replace('/', '%2F')}" in page
    assert f"{reverse('account_login')}?next=" in page
    assert 'name="csrfmiddlewaretoken"' not in page  # nothing to accept before signing in


def test_an_unknown_invitation_is_404(client):
    assert client.get(reverse("reviews:invitation", args=["nope"])).status_code == 404


def test_accepting_an_invitation_makes_a_reviewer_and_leads_to_the_profile(client, invitation):
    newcomer = UserFactory(email="nouvelle@example.org")
    signed_in(client, newcomer)
    url = reverse("reviews:invitation", args=[invitation.token])
    assert "Accept" in visible_text(client.get(url))
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reviews:profile")
    assert "Welcome among the reviewers" in visible_text(response)
    assert newcomer.groups.filter(name=Role.REVIEWER.value).exists()
    assert ReviewerProfile.objects.filter(user=newcomer).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer
    assert "You have accepted this invitation" in visible_text(client.get(url))


def test_an_invitation_is_refused_clearly_to_another_address_when_expired_or_used(
    client, invitation
):
    url = reverse("reviews:invitation", args=[invitation.token])
    signed_in(client, UserFactory(email="quelquun@example.org"))
    text = visible_text(client.get(url))
    assert "This invitation was sent to nouvelle@example.org" in text
    response = client.post(url, follow=True)
    assert "This invitation was sent to nouvelle@example.org" in visible_text(response)
    assert not Invitation.objects.get(pk=invitation.pk).accepted_at

    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    signed_in(client, UserFactory(email="nouvelle@example.org"))
    assert "This invitation has expired" in visible_text(client.get(url))

    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now(), accepted_at=timezone.now(), accepted_by=UserFactory()
    )
    assert "already been accepted" in visible_text(client.get(url))
    client.logout()
    assert "already been accepted" in visible_text(client.get(url))


# The profile


def test_the_profile_shows_the_kind_read_only_and_saves_expertise_and_institution(client, expert):
    history = DisciplineFactory(name_en="History")
    DisciplineFactory(name_en="Musicology")
    lille = InstitutionFactory(name="Université de Lille")
    ReviewerProfile.objects.filter(user=expert).update(kind=ReviewerKind.COUNCIL)
    signed_in(client, expert)
    response = client.get(reverse("reviews:profile"))
    page = response.content.decode()
    assert "Member of the scientific council" in visible_text(response)
    assert 'name="kind"' not in page
    assert page.count("<fieldset") == 2  # disciplines and languages, each with its legend
    for code in ("fr", "en", "de", "es", "it"):
        assert f'name="languages" value="{code}"' in page

    response = client.post(
        reverse("reviews:profile"),
        {
            "institution": lille.pk,
            "disciplines": [history.pk],
            "keywords": "correspondances, XIXe siècle",
            "languages": ["fr", "it"],
            "max_load": "4",
            "kind": ReviewerKind.EXTERNAL,  # ignored: set by staff
        },
    )
    assert response.status_code == 302
    profile = ReviewerProfile.objects.get(user=expert)
    expert.refresh_from_db()
    assert expert.institution == lille
    assert list(profile.disciplines.all()) == [history]
    assert profile.keywords == "correspondances, XIXe siècle"
    assert profile.languages == ["fr", "it"]
    assert profile.max_load == 4
    assert profile.kind == ReviewerKind.COUNCIL


def test_a_wrong_profile_keeps_what_was_typed_and_says_why(client, expert):
    signed_in(client, expert)
    response = client.post(
        reverse("reviews:profile"),
        {"keywords": "archives du web", "languages": ["de"], "max_load": "-2"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="archives du web"' in page
    assert 'value="de" id="id_languages_2" checked' in page
    assert 'aria-invalid="true"' in page
    assert ReviewerProfile.objects.get(user=expert).keywords == ""


# A pending assignment


def test_a_pending_assignment_shows_what_is_needed_to_judge_a_conflict_not_the_dossier(
    client, pending, expert, call
):
    response = signed_in(client, expert).get(page_url(pending))
    assert response.status_code == 200
    text = visible_text(response)
    assert call.title in text
    assert pending.application.title in text
    assert "Aurore Lebrun" in text and "Université de Lille" in text
    assert ANSWER_TEXT not in text
    assert FILE_NAME not in text
    assert file_url(pending) not in response.content.decode()
    assert client.get(file_url(pending)).status_code == 404
    assert "I have no conflict of interest and I accept" in text
    assert "I declare a conflict of interest" in text
    assert "I decline" in text


def test_accepting_needs_the_declaration_then_opens_the_dossier_and_its_files(
    client, pending, expert
):
    signed_in(client, expert)
    response = client.post(answer_url(pending), {"action": "accept"})
    assert response.status_code == 400
    assert "Tick the declaration to accept" in visible_text(response)
    pending.refresh_from_db()
    assert pending.state == AssignmentState.PENDING

    response = client.post(answer_url(pending), {"action": "accept", "accept-no_conflict": "on"})
    assert response.status_code == 302
    assert response["Location"] == page_url(pending)
    pending.refresh_from_db()
    assert pending.state == AssignmentState.ACCEPTED
    assert ConflictDeclaration.objects.get(assignment=pending).has_conflict is False

    response = client.get(page_url(pending))
    text = visible_text(response)
    assert "Thank you. The dossier is open below" in text
    assert ANSWER_TEXT in text and "Project summary" in text
    assert FILE_NAME in text
    assert file_url(pending) in response.content.decode()
    download = client.get(file_url(pending))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == FILE_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "private" in download["Cache-Control"]


def test_the_dossier_is_the_latest_submission_and_never_shows_the_excluded_people(
    client, accepted, expert
):
    application = accepted.application
    application.answers = {SUMMARY: "Version revue et corrigée."}
    application.save(update_fields=["answers"])
    snapshot(application)
    application.answers = {SUMMARY: "Brouillon jamais soumis."}
    application.save(update_fields=["answers"])
    text = visible_text(signed_in(client, expert).get(page_url(accepted)))
    assert "Version revue et corrigée." in text
    assert ANSWER_TEXT not in text
    assert "Brouillon jamais soumis." not in text
    assert "submission no. 2" in text
    assert SECRET_EXCLUDED not in text and "rival@example.org" not in text


# Conflicts and declining


def test_declaring_a_conflict_frees_the_assignment_keeps_it_and_tells_the_assigner(
    client,
    pending,
    expert,
    programme_manager,
    applicant,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    signed_in(client, expert)
    response = client.post(answer_url(pending), {"action": "conflict", "conflict-reason": " "})
    assert response.status_code == 400
    assert "Describe the conflict of interest" in visible_text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            answer_url(pending),
            {"action": "conflict", "conflict-reason": "J'ai codirigé une thèse avec la porteuse."},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard")
    pending.refresh_from_db()
    assert pending.state == AssignmentState.RECUSED
    declaration = ConflictDeclaration.objects.get(assignment=pending)
    assert declaration.has_conflict and "codirigé" in declaration.reason
    recipients = {address for message in mailoutbox for address in message.to}
    assert programme_manager.email in recipients
    assert applicant.email not in recipients and expert.email not in recipients
    assert client.get(page_url(pending)).status_code == 404
    assert "You declared a conflict of interest" in visible_text(
        client.get(reverse("reviews:dashboard"))
    )


def test_a_conflict_discovered_in_the_dossier_withdraws_it(
    client, accepted, expert, programme_manager, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in(client, expert)
    page = client.get(page_url(accepted)).content.decode()
    assert "I have discovered a conflict of interest" in page
    response = client.post(answer_url(accepted), {"action": "conflict", "conflict-reason": ""})
    assert response.status_code == 400
    assert ANSWER_TEXT in visible_text(response)  # the dossier page again, with the message
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            answer_url(accepted),
            {"action": "conflict", "conflict-reason": "Le co-porteur est mon ancien doctorant."},
        )
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.RECUSED
    assert [m.to for m in mailoutbox] == [[programme_manager.email]]
    assert client.get(file_url(accepted)).status_code == 404


def test_declining_frees_the_assignment_with_an_optional_reason(client, pending, expert):
    signed_in(client, expert)
    response = client.post(
        answer_url(pending), {"action": "decline", "decline-reason": "En congé jusqu'en mai."}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == AssignmentState.DECLINED
    assert pending.note == "En congé jusqu'en mai."
    other = AssignmentFactory(application=in_review_application(), reviewer=expert)
    client.post(answer_url(other), {"action": "decline"})
    other.refresh_from_db()
    assert other.state == AssignmentState.DECLINED
    assert not ConflictDeclaration.objects.filter(assignment__in=[pending, other]).exists()


# The review form


def test_a_draft_keeps_half_points_when_the_call_allows_them(client, expert):
    call = reviewed_call(half_points=True)
    assignment = AssignmentFactory(
        application=submitted_application(call), reviewer=expert, state="accepted"
    )
    signed_in(client, expert)
    page = client.get(page_url(assignment)).content.decode()
    assert 'type="text" name="score_' in page and 'inputmode="decimal"' in page
    assert "From 0 to 5; half points allowed." in visible_text(client.get(page_url(assignment)))
    response = client.post(page_url(assignment), review_post(call, ["3.5", ""]), follow=True)
    assert "Draft saved" in visible_text(response)
    review = Review.objects.get(assignment=assignment)
    assert review.state == ReviewState.DRAFT
    assert [row.score for row in review.scores.all()] == [Decimal("3.5"), None]


def test_half_points_are_refused_clearly_when_the_call_does_not_allow_them(
    client, accepted, expert, call
):
    signed_in(client, expert)
    assert "whole points." in visible_text(client.get(page_url(accepted)))
    data = review_post(call, ["3.5", "4"], **COMPLETE)
    response = client.post(page_url(accepted), data)
    assert response.status_code == 400
    text = visible_text(response)
    assert "The review was not saved" in text
    assert "Whole points only." in text
    page = response.content.decode()
    assert 'value="3.5"' in page and "Un projet solide et bien entouré." in page
    assert 'aria-invalid="true"' in page
    review = Review.objects.get(assignment=accepted)
    assert [row.score for row in review.scores.all()] == [None, None]
    assert review.comment_for_applicant == ""


def test_the_weighted_score_is_computed_on_each_criterions_scale(client, expert):
    call = CallFactory(closed=True, questions=questions())
    CallCriterionFactory(call=call, name_en="Quality", weight=2, scale_min=0, scale_max=5)
    CallCriterionFactory(call=call, name_en="Impact", weight=1, scale_min=0, scale_max=10)
    assignment = AssignmentFactory(
        application=submitted_application(call), reviewer=expert, state="accepted"
    )
    signed_in(client, expert)
    page = visible_text(client.get(page_url(assignment)))
    assert (
        "From 0 to 10; whole points." in page
        and "Weight 2 (67% of the total), scored from 0 to 5." in page
    )
    response = client.post(page_url(assignment), review_post(call, ["4", "5"]), follow=True)
    text = visible_text(response)
    # (2 × 4/5 + 1 × 5/10) / 3 × 20 = 14
    assert "Its score is 14.00/20" in text
    assert "Weighted score of the saved draft: 14.00/20" in text
    assert Review.objects.get(assignment=assignment).weighted_score == Decimal("14.00")


def test_the_score_is_never_typed(client, accepted, expert, call):
    signed_in(client, expert)
    client.post(page_url(accepted), review_post(call, ["1", "1"], weighted_score="20", **COMPLETE))
    assert Review.objects.get(assignment=accepted).weighted_score == Decimal("4.00")


def test_an_incomplete_submission_saves_the_draft_and_points_at_what_is_missing(
    client, accepted, expert, call
):
    signed_in(client, expert)
    data = review_post(call, ["4", ""], action="submit", recommendation="reserve")
    response = client.post(page_url(accepted), data)
    assert response.status_code == 400
    text = visible_text(response)
    assert "saved but not submitted" in text
    assert "Score this criterion." in text
    assert "Write a comment for the applicant." in text
    assert 'value="reserve" id="id_recommendation_2" checked' in response.content.decode()
    review = Review.objects.get(assignment=accepted)
    assert review.state == ReviewState.DRAFT
    assert review.recommendation == "reserve"


def test_a_submitted_review_is_locked_and_a_later_post_changes_nothing(
    client,
    accepted,
    expert,
    call,
    programme_manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    signed_in(client, expert)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_url(accepted), review_post(call, ["4", "3"], action="submit", **COMPLETE)
        )
    assert response.status_code == 302
    review = Review.objects.get(assignment=accepted)
    assert review.state == ReviewState.SUBMITTED
    assert review.weighted_score == Decimal("14.00")
    assert {address for m in mailoutbox for address in m.to} == {programme_manager.email}

    response = client.get(page_url(accepted))
    page = response.content.decode()
    text = visible_text(response)
    assert "It is locked" in text and "can reopen it" in text
    assert 'name="score_' not in page and 'value="submit"' not in page
    assert "I have discovered a conflict of interest" not in text
    assert "14.00/20" in text

    response = client.post(
        page_url(accepted), review_post(call, ["1", "1"], **COMPLETE), follow=True
    )
    assert "This review is submitted and locked" in visible_text(response)
    review.refresh_from_db()
    assert review.weighted_score == Decimal("14.00")
    assert [row.score for row in review.scores.all()] == [Decimal("4"), Decimal("3")]

    response = client.post(
        answer_url(accepted), {"action": "conflict", "conflict-reason": "Trop tard."}, follow=True
    )
    assert "Your review is submitted" in visible_text(response)
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.ACCEPTED


# The other reviews, the reply


def submitted_review(assignment, call, comment):
    data = {
        "scores": {c.pk: ("2", "Critère discuté.") for c in call.criteria.all()},
        "comment_for_applicant": comment,
        "confidential_comment": "Confidentiel : à ne montrer qu'au conseil.",
        "recommendation": "reject",
    }
    return reviewing.submit_review(assignment, assignment.reviewer, data)


@pytest.fixture
def colleague(accepted, call):
    """Another reviewer of the same dossier, who has submitted."""
    # Names no factory draws by chance: the page must not show them, and a random "Paulette"
    # elsewhere on it must not look like a leak.
    person = ReviewerFactory(
        email="collegue@example.org", first_name="Paulin-Anonyme", last_name="Vidal-Temoin"
    )
    assignment = AssignmentFactory(
        application=accepted.application, reviewer=person, state="accepted"
    )
    submitted_review(assignment, call, "Méthode trop vague pour un corpus de cette taille.")
    return person


def test_other_reviews_appear_only_after_submitting_and_without_names(
    client, accepted, expert, call, colleague, django_capture_on_commit_callbacks
):
    signed_in(client, expert)
    text = visible_text(client.get(page_url(accepted)))
    assert "Méthode trop vague" not in text
    assert "The other reviews" not in text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(accepted), review_post(call, ["4", "4"], action="submit", **COMPLETE))
    response = client.get(page_url(accepted))
    text = visible_text(response)
    assert "The other reviews" in text
    assert "Reviewer A" in text
    assert "Méthode trop vague pour un corpus de cette taille." in text
    assert "8.00/20" in text
    for identity in ("Paulin-Anonyme", "Vidal-Temoin", "collegue@example.org"):
        assert identity not in response.content.decode()
    assert "Confidentiel" not in text


def test_other_reviews_stay_hidden_when_the_call_says_so(
    client, expert, colleague, accepted, call, django_capture_on_commit_callbacks
):
    call.reviewers_see_other_reviews = False
    call.save(update_fields=["reviewers_see_other_reviews"])
    signed_in(client, expert)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(accepted), review_post(call, ["4", "4"], action="submit", **COMPLETE))
    assert Review.objects.get(assignment=accepted).is_submitted
    text = visible_text(client.get(page_url(accepted)))
    assert "Méthode trop vague" not in text
    assert "Reviewer A" not in text


def test_the_applicants_reply_is_shown_to_the_reviewer(client, accepted, expert, applicant):
    Reply.objects.create(
        application=accepted.application,
        author=applicant,
        text="Le corpus compte 4 000 lettres, et non 400.",
    )
    text = visible_text(signed_in(client, expert).get(page_url(accepted)))
    assert "The applicant's reply" in text
    assert "Le corpus compte 4 000 lettres, et non 400." in text
