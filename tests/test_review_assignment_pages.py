"""Staff pages of peer review: the reviewer directory and invitations, a call's assignments by
hand, the automatic proposal shown before it takes effect, cancelling and reopening."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, ApplicationState
from reviews import reviewing
from reviews.models import (
    Assignment,
    AssignmentProposal,
    AssignmentState,
    Invitation,
    ReviewState,
    TeamClaim,
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
)
from .reading import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def call():
    call = CallFactory(closed=True, reviewers_per_application=2, title_fr="Appel Patrimoine")
    CallCriterionFactory(call=call, name_fr="Qualité scientifique", weight=Decimal("2"))
    CallCriterionFactory(call=call, name_fr="Faisabilité")
    return call


@pytest.fixture
def staff_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def submitted_review(assignment, score="4"):
    """Submit a complete review of an accepted assignment through the services."""
    call = assignment.application.call
    return reviewing.submit_review(
        assignment,
        assignment.reviewer,
        {
            "scores": {c.pk: (score, "Argumenté.") for c in call.criteria.all()},
            "comment_for_applicant": "Un projet solide.",
            "confidential_comment": "Équipe reconnue.",
            "recommendation": "fund",
        },
    )


def assignments_url(call):
    return reverse("reviews:assignments", kwargs={"slug": call.slug})


# Who may see the pages

STAFF_ONLY = [
    ("programme_manager", 200),
    ("council_member", 404),
    ("reviewer", 404),
    ("applicant", 404),
    ("other_applicant", 404),
]


@pytest.mark.parametrize(("persona", "status"), STAFF_ONLY)
def test_only_programme_staff_see_the_directory_and_the_assignments(
    client, request, call, persona, status
):
    as_user(client, request.getfixturevalue(persona))
    in_review_application(call)
    assert client.get(reverse("reviews:reviewers")).status_code == status
    assert client.get(assignments_url(call)).status_code == status


@pytest.mark.parametrize("persona", ["council_member", "reviewer", "applicant"])
def test_nobody_else_proposes_cancels_or_reopens(client, request, call, persona):
    assignment = AssignmentFactory(application=in_review_application(call))
    as_user(client, request.getfixturevalue(persona))

    assert client.post(assignments_url(call), {"action": "propose"}).status_code == 404
    cancel = reverse("reviews:cancel_assignment", args=[assignment.pk])
    assert client.post(cancel).status_code == 404
    reopen = reverse("reviews:reopen_review", args=[assignment.pk])
    assert client.post(reopen, {"reason": "Erreur"}).status_code == 404

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PENDING
    assert not AssignmentProposal.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, call):
    proposal = AssignmentProposal.objects.create(call=call)
    for url in (
        reverse("reviews:reviewers"),
        assignments_url(call),
        reverse("reviews:proposal", args=[call.slug, proposal.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_proposal_of_another_call_is_404(staff_client, call):
    proposal = AssignmentProposal.objects.create(call=CallFactory(closed=True))
    url = reverse("reviews:proposal", args=[call.slug, proposal.pk])
    assert staff_client.get(url).status_code == 404


# The directory of reviewers and invitations


def test_the_directory_shows_each_reviewers_expertise_and_load(staff_client):
    ReviewerFactory(
        first_name="Ada",
        last_name="Lovelace",
        institution=InstitutionFactory(name="Université de Lille"),
        profile__keywords="IIIF, archives du web",
        profile__languages=["fr", "de"],
        profile__max_load=5,
        profile__kind="council",
    ).reviewer_profile.disciplines.add(DisciplineFactory(name_fr="Histoire médiévale"))

    html = text_of(staff_client.get(reverse("reviews:reviewers")))

    for expected in (
        "Ada Lovelace",
        "Member of the scientific council",
        "Université de Lille",
        "Discipline",
        "IIIF, archives du web",
        "French, German",
        ">5<",
    ):
        assert expected in html


def test_staff_invite_a_reviewer_by_email(
    staff_client, call, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("reviews:reviewers"),
            {
                "name": "Grace Hopper",
                "email": "Grace@Example.org",
                "language": "en",
                "call": call.pk,
                "message": "Votre expertise nous serait précieuse.",
            },
            follow=True,
        )

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.call, invitation.name) == (
        "grace@example.org",
        call,
        "Grace Hopper",
    )
    assert [message.to for message in mailoutbox] == [["grace@example.org"]]
    html = text_of(response)
    assert "An invitation was sent to grace@example.org." in html
    assert "Grace Hopper" in html  # among the pending invitations


def test_an_invitation_with_a_bad_address_is_refused_and_kept(staff_client, mailoutbox):
    response = staff_client.post(
        reverse("reviews:reviewers"),
        {
            "name": "Grace Hopper",
            "email": "grace.example.org",
            "language": "fr",
            "message": "Merci",
        },
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert mailoutbox == []
    html = text_of(response)
    assert 'value="grace.example.org"' in html
    assert "Merci</textarea>" in html
    assert response.context["form"].errors["email"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_directory_has_a_fixed_number_of_queries(
    staff_client, count, django_assert_max_num_queries
):
    disciplines = [DisciplineFactory(), DisciplineFactory()]
    for _ in range(count):
        ReviewerFactory(institution=InstitutionFactory()).reviewer_profile.disciplines.set(
            disciplines
        )
        Invitation.objects.create(email=f"x{_}@example.org", call=CallFactory())

    # Session, user, two for permissions, the calls, the reviewers, their disciplines, the
    # invitations, the unread notifications; the base template's site settings (four queries
    # on the first request, which creates them).
    with django_assert_max_num_queries(14):
        response = staff_client.get(reverse("reviews:reviewers"))

    assert len(response.context["reviewers"]) == count
    assert len(response.context["invitations"]) == count


# A call's assignments


def test_the_board_shows_each_applications_coverage_and_assignment_states(staff_client, call):
    covered = in_review_application(call, title="Corpus couvert")
    AssignmentFactory(application=covered, state=AssignmentState.ACCEPTED)
    AssignmentFactory(application=covered)
    lacking = in_review_application(call, title="Corpus à couvrir")
    AssignmentFactory(
        application=lacking,
        state=AssignmentState.RECUSED,
        note="J'ai codirigé la thèse du porteur.",
    )
    AssignmentFactory(application=lacking, state=AssignmentState.DECLINED)
    submitted = AssignmentFactory(application=lacking, state=AssignmentState.ACCEPTED)
    submitted_review(submitted)

    response = staff_client.get(assignments_url(call))
    html = text_of(response)

    assert response.status_code == 200
    rows = {a.pk: a for a in response.context["applications"]}
    assert (rows[covered.pk].active_count, rows[covered.pk].missing) == (2, 0)
    assert (rows[lacking.pk].active_count, rows[lacking.pk].missing) == (1, 1)
    assert "2/2" in html and "1/2" in html
    assert "1 missing" in html  # the uncovered one says so in words
    assert "1 application lacks reviewers." in html
    assert "Conflict of interest</span>: <q>J'ai codirigé la thèse du porteur.</q>" in html
    assert "Declined" in html
    assert "review submitted on" in html


def test_staff_assign_a_reviewer_by_hand(
    staff_client, call, mailoutbox, django_capture_on_commit_callbacks
):
    application = in_review_application(call)
    expert = ReviewerFactory(email="expert.iiif@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            assignments_url(call),
            {
                "action": "assign",
                "application": application.pk,
                "reviewer": expert.pk,
                "due_date": (timezone.now() + dt.timedelta(days=20)).date().isoformat(),
            },
        )

    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.application, assignment.reviewer) == (application, expert)
    assert timezone.localtime(assignment.due_at).strftime("%H:%M") == "23:59"
    application.refresh_from_db()
    assert application.state == ApplicationState.IN_REVIEW
    assert [message.to for message in mailoutbox] == [["expert.iiif@example.org"]]


def test_a_manual_assignment_in_conflict_is_refused_with_the_reason(staff_client, call, mailoutbox):
    call.max_excluded_reviewers = 1  # the claim of the lead's profile counts as an exclusion
    call.save()
    lille = InstitutionFactory(name="Université de Lille")
    application = in_review_application(call, lead=UserFactory(institution=lille))
    colleague = ReviewerFactory(institution=lille, last_name="Collègue")

    response = staff_client.post(
        assignments_url(call),
        {"action": "assign", "application": application.pk, "reviewer": colleague.pk},
    )

    assert response.status_code == 400
    assert not Assignment.objects.exists()
    assert mailoutbox == []
    html = text_of(response)
    assert "assignment-refused" in html
    assert (
        "Conflict of interest: The team named this reviewer, within the exclusions the call allows."
        in html
    )
    # What was chosen is kept.
    assert f'<option value="{application.pk}" selected>' in html
    assert f'<option value="{colleague.pk}" selected>' in html


def test_a_reviewer_at_their_maximum_is_refused_clearly(staff_client, call):
    busy = ReviewerFactory(profile__max_load=1)
    AssignmentFactory(application=in_review_application(call), reviewer=busy)
    application = in_review_application(call)

    response = staff_client.post(
        assignments_url(call),
        {"action": "assign", "application": application.pk, "reviewer": busy.pk},
    )

    assert response.status_code == 400
    assert "already has 1 dossiers in this call, their maximum." in text_of(response)
    assert Assignment.objects.filter(application=application).count() == 0


def test_staff_cancel_an_active_assignment(staff_client, call):
    assignment = AssignmentFactory(application=in_review_application(call))

    response = staff_client.post(reverse("reviews:cancel_assignment", args=[assignment.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#application-{assignment.application_id}")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CANCELLED


def test_a_submitted_review_is_reopened_with_a_reason_not_cancelled(staff_client, call):
    assignment = AssignmentFactory(
        application=in_review_application(call), state=AssignmentState.ACCEPTED
    )
    review = submitted_review(assignment)

    refused = staff_client.post(
        reverse("reviews:cancel_assignment", args=[assignment.pk]), follow=True
    )
    assert "The review is submitted: reopen it instead of cancelling." in text_of(refused)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACCEPTED

    url = reverse("reviews:reopen_review", args=[assignment.pk])
    without_reason = staff_client.post(url, {"reason": "  "}, follow=True)
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    assert any(m.level_tag == "error" for m in without_reason.context["messages"])

    staff_client.post(url, {"reason": "Une note a été mal saisie."})
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT
    assert review.reopen_reason == "Une note a été mal saisie."


@pytest.mark.parametrize("count", [3, 30])
def test_the_board_has_a_fixed_number_of_queries(
    staff_client, call, count, django_assert_max_num_queries, django_assert_num_queries
):
    experts = [ReviewerFactory() for _ in range(3)]
    UserFactory(roles=[Role.COUNCIL_MEMBER])  # whose conflicts matter too, not on the list
    for _ in range(count):
        application = in_review_application(call)
        AssignmentFactory(application=application, reviewer=experts[0])
        submitted_review(
            AssignmentFactory(application=application, reviewer=experts[1], accepted=True)
        )
        TeamMemberFactory(application=application, email=experts[2].email)  # a claim

    # On the first visit, the claims found are recorded: the dossiers locked and read again,
    # the claims and their audit rows written, the dossiers' facts read again to show them;
    # the base template's site settings are created (four queries).
    with django_assert_max_num_queries(37):
        response = staff_client.get(assignments_url(call))
    # Then: session, user, call, two for permissions, the applications (with their leads'
    # accounts), their assignments (with reviewers and reviews), the reviewers and council
    # members (for the list and for the claims), the loads, the proposals not applied, the
    # unread notifications; the site and its settings. The team's claims: the teams,
    # the members who joined, the people excluded, the claims recorded (shown on the board),
    # the conflicts declared. Nothing is locked or written. (13 before the team's claims, 22 when
    # the claims first came, with the facts and the people read twice.)
    with django_assert_num_queries(18):
        again = staff_client.get(assignments_url(call))

    assert len(response.context["applications"]) == count
    assert len(again.context["reviewers"]) == 3
    assert [len(application.claims) for application in again.context["applications"]] == (
        [1] * count
    )
    assert TeamClaim.objects.count() == count


# The automatic proposal


def covered_call(call, applications=2, reviewers=3):
    """A call whose applications can each get their reviewers."""
    for i in range(applications):
        in_review_application(call, title=f"Numérisation des archives {i}")
    return [ReviewerFactory(profile__keywords="archives") for _ in range(reviewers)]


def test_a_proposal_is_shown_and_nothing_changes_until_it_is_applied(
    staff_client, call, mailoutbox, django_capture_on_commit_callbacks
):
    covered_call(call)

    response = staff_client.post(assignments_url(call), {"action": "propose"})

    proposal = AssignmentProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:proposal", args=[call.slug, proposal.pk])
    assert len(proposal.pairs) == 4
    page = staff_client.get(response["Location"])
    html = text_of(page)
    assert not Assignment.objects.exists()
    assert mailoutbox == []
    assert "Numérisation des archives 0" in html
    assert "match 1" in html  # the keyword found in the title
    assert len(page.context["load_rows"]) == 3
    assert all(row["after"] <= row["max"] for row in page.context["load_rows"])
    assert 'value="apply"' in html
    # Staff create assignments; "Apply" ("Candidater") is the applicant's word for a call.
    assert ">Create these assignments</button>" in html and ">Apply</button>" not in html

    with django_capture_on_commit_callbacks(execute=True):
        applied = staff_client.post(response["Location"], {"action": "apply"})

    assert applied.status_code == 200
    assert Assignment.objects.count() == 4
    assert applied.context["result"]["created"] == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        set(Assignment.objects.values_list("reviewer__email", flat=True))
    )
    assert set(Application.objects.filter(call=call).values_list("state", flat=True)) == {
        ApplicationState.IN_REVIEW
    }


def test_a_proposal_cannot_be_applied_twice(staff_client, call):
    covered_call(call)
    staff_client.post(assignments_url(call), {"action": "propose"})
    url = reverse("reviews:proposal", args=[call.slug, AssignmentProposal.objects.get().pk])
    staff_client.post(url, {"action": "apply"})

    again = staff_client.post(url, {"action": "apply"})

    assert again.status_code == 409
    assert Assignment.objects.count() == 4
    html = text_of(again)
    assert "This proposal has already been applied." in html
    assert 'value="apply"' not in html
    assert 'value="apply"' not in text_of(staff_client.get(url))


def test_what_cannot_be_covered_is_shown_with_the_reason(staff_client, call):
    call.max_excluded_reviewers = 1  # the claim of the lead's profile counts as an exclusion
    call.save()
    lille = InstitutionFactory(name="Université de Lille")
    application = in_review_application(
        call, title="Corpus lillois", lead=UserFactory(institution=lille)
    )
    ReviewerFactory(institution=lille)  # in conflict
    ReviewerFactory()  # the only one without a conflict; two are needed

    staff_client.post(assignments_url(call), {"action": "propose"})
    proposal = AssignmentProposal.objects.get()
    page = staff_client.get(reverse("reviews:proposal", args=[call.slug, proposal.pk]))

    row = next(r for r in page.context["rows"] if r["application_id"] == application.pk)
    assert row["missing"] == 1
    assert "Not enough reviewers without a conflict of interest." in text_of(page)


def test_everyone_at_their_maximum_is_the_reason_given(staff_client, call):
    in_review_application(call)
    ReviewerFactory(profile__max_load=0)
    ReviewerFactory(profile__max_load=0)

    staff_client.post(assignments_url(call), {"action": "propose"})
    proposal = AssignmentProposal.objects.get()
    page = staff_client.get(reverse("reviews:proposal", args=[call.slug, proposal.pk]))

    assert page.context["rows"][0]["missing"] == 2
    assert "Every reviewer without a conflict of interest is at their maximum." in text_of(page)


def test_a_pair_no_longer_possible_is_skipped_with_its_reason(staff_client, call):
    call.max_excluded_reviewers = 1  # the claim of the lead's profile counts as an exclusion
    call.save()
    experts = covered_call(call, applications=1, reviewers=2)
    staff_client.post(assignments_url(call), {"action": "propose"})
    proposal = AssignmentProposal.objects.get()
    # Since the proposal, one of the experts joined the institution of the lead.
    lille = InstitutionFactory(name="Université de Lille")
    lead = Application.objects.get().lead
    lead.institution = lille
    lead.save()
    experts[0].institution = lille
    experts[0].save()

    response = staff_client.post(
        reverse("reviews:proposal", args=[call.slug, proposal.pk]), {"action": "apply"}
    )

    assert response.context["result"]["created"] == 1
    skipped = response.context["result"]["skipped"]
    assert [item["reviewer"] for item in skipped] == [experts[0]]
    assert "The team named this reviewer, within the exclusions the call allows." in (
        text_of(response)
    )
    assert Assignment.objects.get().reviewer == experts[1]
