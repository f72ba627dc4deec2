"""Peer review rules, through the services: conflicts, automatic assignment, scores, locks,
thresholds, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from applications.models import ApplicationEvent, ApplicationState, ExcludedReviewer
from reviews import assignments, deliberation, reviewing
from reviews.claims import record_claims
from reviews.conflicts import (
    DECLARED,
    EXCLUDED,
    NAMED_BY_TEAM,
    TEAM_MEMBER,
    conflicts_between,
)
from reviews.errors import ReviewError
from reviews.models import Assignment, AssignmentState, ConflictDeclaration, ReviewState
from reviews.ranking import call_ranking
from reviews.tasks import send_review_reminders

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
    joined_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def review_data(call, score="4", recommendation="fund"):
    return {
        "scores": {criterion.pk: (score, "Argumenté.") for criterion in call.criteria.all()},
        "comment_for_applicant": "Un projet solide.",
        "confidential_comment": "Équipe reconnue.",
        "recommendation": recommendation,
    }


# Conflicts of interest


def test_the_institution_of_the_lead_or_of_a_member_who_joined_names_reviewers_it_is_a_claim():
    """Profiles are typed freely: their institution names, like a team row (reviews.claims)."""
    institution = InstitutionFactory(name="Université de Lille")
    reviewer = ReviewerFactory(institution=institution)
    call = CallFactory(closed=True, max_excluded_reviewers=1)
    application = in_review_application(call)
    joined_member(application, UserFactory(institution=institution))
    led = in_review_application(call, lead=UserFactory(institution=institution))
    assert conflicts_between(reviewer, application) == []  # not recorded yet
    assert conflicts_between(reviewer, led) == []
    record_claims([application, led])
    assert conflicts_between(reviewer, application) == [NAMED_BY_TEAM]
    assert conflicts_between(reviewer, led) == [NAMED_BY_TEAM]


def test_an_institution_typed_by_hand_names_the_reviewers_of_the_directorys():
    reviewer = ReviewerFactory(institution=InstitutionFactory(name="Université de Strasbourg"))
    application = in_review_application(call=CallFactory(closed=True, max_excluded_reviewers=1))
    TeamMemberFactory(application=application, institution_name="  université de STRASBOURG ")
    record_claims([application])
    assert conflicts_between(reviewer, application) == [NAMED_BY_TEAM]


def test_a_reviewer_who_joined_the_team_or_leads_it_is_a_conflict():
    reviewer = ReviewerFactory(email="expert@example.org")
    application = in_review_application()
    joined_member(application, reviewer, email="Expert@Example.org")
    assert conflicts_between(reviewer, application) == [TEAM_MEMBER]
    assert TEAM_MEMBER in conflicts_between(application.lead, application)


def test_a_person_the_applicant_excluded_is_a_conflict_by_email_or_name():
    by_email = ReviewerFactory(email="rival@example.org")
    by_name = ReviewerFactory(first_name="Éloïse", last_name="Martin")
    application = in_review_application()
    ExcludedReviewer.objects.create(application=application, name="X", email="RIVAL@example.org")
    ExcludedReviewer.objects.create(application=application, name="eloise  MARTIN")
    assert conflicts_between(by_email, application) == [EXCLUDED]
    assert conflicts_between(by_name, application) == [EXCLUDED]


def test_a_declared_conflict_frees_the_assignment_tells_staff_and_is_kept(
    programme_manager, django_capture_on_commit_callbacks, mailoutbox
):
    application = in_review_application()
    reviewer = ReviewerFactory()
    assignment = assignments.assign_reviewer(application, reviewer, programme_manager)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignments.declare_conflict(assignment, reviewer, "J'ai co-écrit avec la porteuse.")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.RECUSED
    declaration = ConflictDeclaration.objects.get(assignment=assignment)
    assert declaration.has_conflict and "co-écrit" in declaration.reason
    assert [message.to for message in mailoutbox] == [[programme_manager.email]]
    assert conflicts_between(reviewer, application) == [DECLARED]
    # The reviewer can never be assigned to it again.
    with pytest.raises(ReviewError):
        assignments.assign_reviewer(application, reviewer, programme_manager)


def test_a_conflict_needs_a_reason_and_accepting_declares_none(programme_manager):
    assignment = AssignmentFactory()
    with pytest.raises(ReviewError):
        assignments.declare_conflict(assignment, assignment.reviewer, "  ")
    assignments.accept_assignment(assignment, assignment.reviewer)
    declaration = ConflictDeclaration.objects.get(assignment=assignment)
    assert declaration.has_conflict is False


def test_manual_assignment_is_refused_on_conflict_with_the_reason(programme_manager):
    institution = InstitutionFactory()
    reviewer = ReviewerFactory(institution=institution)
    application = in_review_application(
        CallFactory(closed=True, max_excluded_reviewers=1),
        lead=UserFactory(institution=institution),
    )
    with pytest.raises(ReviewError, match="The team named this reviewer, within the exclusions"):
        assignments.assign_reviewer(application, reviewer, programme_manager)
    assert not Assignment.objects.exists()


def test_manual_assignment_starts_the_review_and_respects_the_maximum(programme_manager):
    call = CallFactory(closed=True)
    reviewer = ReviewerFactory(profile__max_load=1)
    first, second = in_review_application(call), in_review_application(call)
    assignments.assign_reviewer(first, reviewer, programme_manager)
    first.refresh_from_db()
    assert first.state == ApplicationState.IN_REVIEW
    assert ApplicationEvent.objects.filter(application=first, action="start_review").exists()
    with pytest.raises(ReviewError, match="maximum"):
        assignments.assign_reviewer(second, reviewer, programme_manager)


def test_only_reviewers_and_reviewable_applications_can_be_assigned(programme_manager):
    application = in_review_application()
    with pytest.raises(ReviewError):
        assignments.assign_reviewer(application, UserFactory(), programme_manager)
    application.state = ApplicationState.SUBMITTED
    application.save()
    with pytest.raises(ReviewError):
        assignments.assign_reviewer(application, ReviewerFactory(), programme_manager)


# Automatic assignment


def test_a_proposal_takes_effect_only_when_applied_and_only_once(
    programme_manager, django_capture_on_commit_callbacks, mailoutbox
):
    call = CallFactory(closed=True, reviewers_per_application=2)
    history = DisciplineFactory(code="histoire")
    applications = [in_review_application(call) for _ in range(4)]
    applications[0].disciplines.add(history)
    reviewers = [ReviewerFactory(profile__max_load=3) for _ in range(3)]
    reviewers[2].reviewer_profile.disciplines.add(history)
    proposal = assignments.propose_assignments(call, programme_manager)
    assert len(proposal.pairs) == 8 and proposal.uncovered == []
    assert not Assignment.objects.exists()
    assert [application_id for application_id, reviewer_id, score in proposal.pairs if score] == [
        applications[0].pk
    ]
    with django_capture_on_commit_callbacks(execute=True):
        created, skipped = assignments.apply_proposal(proposal, programme_manager)
    assert len(created) == 8 and skipped == []
    assert {message.to[0] for message in mailoutbox} == {r.email for r in reviewers}
    assert len(mailoutbox) == 3, "one message per reviewer"
    for application in applications:
        application.refresh_from_db()
        assert application.state == ApplicationState.IN_REVIEW
    with pytest.raises(ReviewError):
        assignments.apply_proposal(proposal, programme_manager)


def test_applying_skips_pairs_that_became_invalid(programme_manager):
    call = CallFactory(closed=True, reviewers_per_application=1, max_excluded_reviewers=1)
    application = in_review_application(call)
    reviewer = ReviewerFactory()
    proposal = assignments.propose_assignments(call, programme_manager)
    institution = InstitutionFactory()
    reviewer.institution = institution
    reviewer.save()
    application.lead.institution = institution  # the lead's profile: a claim, within the limit
    application.lead.save()
    created, skipped = assignments.apply_proposal(proposal, programme_manager)
    assert created == [] and skipped[0][2] == str(NAMED_BY_TEAM)


# Scores and reviews


def accepted_assignment(call=None):
    assignment = AssignmentFactory(
        application=in_review_application(call or CallFactory(closed=True))
    )
    assignments.accept_assignment(assignment, assignment.reviewer)
    assignment.refresh_from_db()
    return assignment


def test_half_points_only_where_the_call_allows_them():
    assignment = accepted_assignment()
    call = assignment.application.call
    CallCriterionFactory(call=call)
    with pytest.raises(ReviewError) as refused:
        reviewing.save_review(assignment, assignment.reviewer, review_data(call, score="3,5"))
    assert "Whole points" in str(refused.value.problems) or refused.value.problems
    call.half_points = True
    call.save()
    review = reviewing.save_review(assignment, assignment.reviewer, review_data(call, "3,5"))
    assert review.scores.get().score == Decimal("3.5")
    with pytest.raises(ReviewError):
        reviewing.save_review(assignment, assignment.reviewer, review_data(call, "3.25"))
    with pytest.raises(ReviewError):
        reviewing.save_review(assignment, assignment.reviewer, review_data(call, "6"))


def test_a_submitted_review_is_locked_until_staff_reopen_it(
    programme_manager, django_capture_on_commit_callbacks, mailoutbox
):
    assignment = accepted_assignment()
    call = assignment.application.call
    CallCriterionFactory(call=call)
    incomplete = {**review_data(call), "recommendation": ""}
    with pytest.raises(reviewing.ReviewIncomplete) as refused:
        reviewing.submit_review(assignment, assignment.reviewer, incomplete)
    assert "recommendation" in refused.value.problems
    assert refused.value.review.comment_for_applicant == "Un projet solide.", "the draft is kept"
    with django_capture_on_commit_callbacks(execute=True):
        review = reviewing.submit_review(assignment, assignment.reviewer, review_data(call))
    assert review.state == ReviewState.SUBMITTED and review.weighted_score == Decimal("16.00")
    with pytest.raises(ReviewError, match="locked"):
        reviewing.save_review(assignment, assignment.reviewer, review_data(call, "1"))
    review.refresh_from_db()
    assert review.weighted_score == Decimal("16.00")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.reopen_review(review, programme_manager, "Note du critère 1 à revoir.")
    [notice] = mailoutbox
    assert notice.to == [assignment.reviewer.email] and "Note du critère 1 à revoir." in notice.body
    reviewing.save_review(assignment, assignment.reviewer, review_data(call, "1"))
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT and review.weighted_score == Decimal("4.00")


def test_only_the_assignee_of_an_accepted_assignment_can_review():
    assignment = AssignmentFactory()
    call = assignment.application.call
    with pytest.raises(ReviewError):
        reviewing.save_review(assignment, assignment.reviewer, review_data(call))
    assignments.accept_assignment(assignment, assignment.reviewer)
    with pytest.raises(ReviewError):
        reviewing.save_review(assignment, ReviewerFactory(), review_data(call))


# Thresholds and the consensus


def test_funding_under_a_threshold_needs_an_override_with_a_reason(programme_manager):
    call = CallFactory(closed=True, total_threshold=Decimal("12"))
    criterion = CallCriterionFactory(call=call, threshold=Decimal("3"))
    application = in_review_application(call)
    data = {
        "scores": {criterion.pk: ("2", "")},
        "comment_for_applicant": "À retravailler.",
        "recommendation": "fund",
    }
    with pytest.raises(ReviewError) as refused:
        deliberation.save_consensus(application, programme_manager, data, finalise=True)
    assert "threshold" in " ".join(refused.value.problems["recommendation"])
    with pytest.raises(ReviewError):
        deliberation.save_consensus(
            application, programme_manager, {**data, "threshold_override": True}
        )
    report = deliberation.save_consensus(
        application,
        programme_manager,
        {**data, "threshold_override": True, "override_reason": "Projet stratégique."},
        finalise=True,
    )
    assert report.is_final and report.weighted_score == Decimal("8.00")
    row = call_ranking(call)[0]
    assert row.score == Decimal("8.00") and len(row.failures) == 2


def test_the_ranking_flags_disagreement_and_breaks_ties_by_the_calls_rule(programme_manager):
    call = CallFactory(closed=True, tie_break="lower_request", disagreement_gap=Decimal("4"))
    CallCriterionFactory(call=call, scale_max=10)
    cheap, costly, split = (in_review_application(call) for _ in range(3))
    costly.budget_lines.update(amount_requested=Decimal("50000"))
    for application, scores in ((cheap, ["8", "8"]), (costly, ["8", "8"]), (split, ["10", "4"])):
        for score in scores:
            assignment = AssignmentFactory(application=application)
            assignments.accept_assignment(assignment, assignment.reviewer)
            reviewing.submit_review(assignment, assignment.reviewer, review_data(call, score))
    rows = call_ranking(call)
    assert [row.application for row in rows] == [cheap, costly, split]
    assert rows[0].tie_broken and rows[1].tie_broken and not rows[2].tie_broken
    assert rows[2].disagreement and rows[2].spread == Decimal("12.00")
    assert not rows[0].disagreement
    assert [row.rank for row in rows] == [1, 2, 3]


# Reminders


def test_reminders_go_once_a_day_to_reviewers_with_reviews_due_soon_or_late(
    django_capture_on_commit_callbacks, mailoutbox
):
    now = timezone.now()
    late = AssignmentFactory(due_at=now - dt.timedelta(days=1), accepted=True)
    soon = AssignmentFactory(due_at=now + dt.timedelta(days=2))
    AssignmentFactory(due_at=now + dt.timedelta(days=20))  # not yet
    done = AssignmentFactory(due_at=now - dt.timedelta(days=1))
    assignments.accept_assignment(done, done.reviewer)
    CallCriterionFactory(call=done.application.call)
    reviewing.submit_review(done, done.reviewer, review_data(done.application.call))
    for assignment in (late, soon, done):
        assignment.application.state = ApplicationState.IN_REVIEW
        assignment.application.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders() == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [late.reviewer.email, soon.reviewer.email]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders() == 0, "at most one a day"
    assert len(mailoutbox) == 2
    late.reviewer.reviewer_profile.__class__.objects.update(
        last_reminded_at=now - dt.timedelta(days=1, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders() == 2, "the next day"


def test_a_reviewer_with_several_dossiers_gets_one_reminder(
    django_capture_on_commit_callbacks, mailoutbox
):
    reviewer = ReviewerFactory()
    for _ in range(3):
        assignment = AssignmentFactory(reviewer=reviewer, due_at=timezone.now())
        assignment.application.state = ApplicationState.IN_REVIEW
        assignment.application.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders() == 1
    assert len(mailoutbox) == 1


# Invitations


def test_an_invitation_makes_its_addressee_a_reviewer_once(
    programme_manager, django_capture_on_commit_callbacks, mailoutbox
):
    from reviews.invitations import accept_invitation, invite_reviewer

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_reviewer(
            email="Nouvelle.Experte@example.org", actor=programme_manager, language="en"
        )
    assert mailoutbox[0].to == ["nouvelle.experte@example.org"]
    stranger = UserFactory(email="autre@example.org")
    with pytest.raises(ReviewError, match="nouvelle.experte@example.org"):
        accept_invitation(invitation, stranger)
    invited = UserFactory(email="nouvelle.experte@example.org")
    accept_invitation(invitation, invited)
    assert invited.groups.filter(name=Role.REVIEWER.value).exists()
    assert invited.reviewer_profile
    with pytest.raises(ReviewError, match="already"):
        accept_invitation(invitation, stranger)
