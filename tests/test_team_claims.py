"""Team rows name reviewers; they do not exclude them on their own. A row whose e-mail, ORCID or
institution matches a reviewer is a claim: the first ones count toward the call's limit of
exclusions, the others are shown to staff, who confirm or dismiss them; every step is logged."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.roles import Role
from applications.models import ApplicationEvent, ExcludedReviewer
from reviews import assignments
from reviews.claims import people_with_conflicts, record_claims, rule_on_claim
from reviews.conflicts import (
    CONFIRMED_CLAIM,
    NAMED_BY_TEAM,
    TEAM_MEMBER,
    conflicts_between,
    dossier_facts,
)
from reviews.errors import ReviewError
from reviews.models import Assignment, AssignmentProposal, AssignmentState, ClaimState, TeamClaim
from reviews.ranking import withheld_from

from .factories import (
    CallFactory,
    InstitutionFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    in_review_application,
    joined_member,
)
from .reading import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def staff_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


def board(call):
    return reverse("reviews:assignments", kwargs={"slug": call.slug})


def claim_events(application, action):
    return ApplicationEvent.objects.filter(application=application, action=action)


def test_a_row_with_a_reviewers_address_excludes_nobody_where_the_call_allows_no_exclusion(
    staff_client, programme_manager
):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org", last_name="Rivale")
    application = in_review_application(call)
    TeamMemberFactory(
        application=application, name="Prête-nom", email="RIVAL@example.org", position=2
    )

    page = text_of(staff_client.get(board(call)))

    assert conflicts_between(rival, application) == []
    assert "named by the team, not confirmed" in page
    assert "team row 3 (Prête-nom), same e-mail address" in page  # after the complete team
    claim = TeamClaim.objects.get()
    assert (claim.application, claim.reviewer, claim.state) == (
        application,
        rival,
        ClaimState.PENDING,
    )
    [found] = claim_events(application, "claim_found")
    assert found.actor == programme_manager and rival.email in found.reason


def test_staff_confirm_a_claim_the_reviewer_is_then_excluded_and_it_is_logged(
    staff_client, programme_manager
):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)
    staff_client.get(board(call))
    claim = TeamClaim.objects.get()

    response = staff_client.post(board(call), {"action": "confirm_claim", "claim": claim.pk})

    assert response.status_code == 302
    assert conflicts_between(rival, application) == [CONFIRMED_CLAIM]
    with pytest.raises(ReviewError, match="Conflict of interest"):
        assignments.assign_reviewer(application, rival, programme_manager)
    [ruling] = claim_events(application, "claim_confirmed")
    assert ruling.actor == programme_manager and rival.email in ruling.reason
    page = text_of(staff_client.get(board(call)))
    assert "Conflict confirmed by the programme team" in page
    assert 'value="confirm_claim"' not in page


def test_staff_dismiss_a_claim_the_reviewer_is_then_assignable_and_it_is_logged(
    staff_client, programme_manager
):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)
    staff_client.get(board(call))
    claim = TeamClaim.objects.get()

    staff_client.post(board(call), {"action": "dismiss_claim", "claim": claim.pk})

    assert conflicts_between(rival, application) == []
    assignment = assignments.assign_reviewer(application, rival, programme_manager)
    assert assignment.reviewer == rival
    [ruling] = claim_events(application, "claim_dismissed")
    assert ruling.actor == programme_manager and rival.email in ruling.reason
    # Ruled once: it cannot be confirmed afterwards by a second click.
    again = staff_client.post(
        board(call), {"action": "confirm_claim", "claim": claim.pk}, follow=True
    )
    assert "This claim was already ruled on" in text_of(again)
    assert conflicts_between(rival, application) == []


def test_with_a_limit_of_two_the_first_two_claims_count_as_exclusions(staff_client):
    call = CallFactory(closed=True, max_excluded_reviewers=2)
    first, second, third = (
        ReviewerFactory(email=f"expert{number}@example.org") for number in (1, 2, 3)
    )
    application = in_review_application(call)
    application.team.all().delete()
    # In the order of the rows, whatever the order of the accounts.
    for position, reviewer in enumerate((third, first, second)):
        TeamMemberFactory(application=application, email=reviewer.email, position=position)

    staff_client.get(board(call))

    assert conflicts_between(third, application) == [NAMED_BY_TEAM]
    assert conflicts_between(first, application) == [NAMED_BY_TEAM]
    assert conflicts_between(second, application) == []
    assert TeamClaim.objects.get(reviewer=second).state == ClaimState.PENDING


def test_the_people_the_applicant_excluded_use_the_limit_first():
    call = CallFactory(closed=True, max_excluded_reviewers=2)
    excluded, named, beyond = (
        ReviewerFactory(email=f"expert{number}@example.org") for number in (1, 2, 3)
    )
    application = in_review_application(call)
    ExcludedReviewer.objects.create(application=application, name="X", email=excluded.email)
    TeamMemberFactory(application=application, email=named.email, position=5)
    TeamMemberFactory(application=application, email=beyond.email, position=6)

    record_claims([application])

    assert conflicts_between(named, application) == [NAMED_BY_TEAM]
    assert conflicts_between(beyond, application) == []
    assert not TeamClaim.objects.filter(reviewer=excluded).exists()  # excluded, not claimed


def test_an_institution_names_every_reviewer_there_and_each_takes_a_place():
    lille = InstitutionFactory(name="Université de Lille")
    call = CallFactory(closed=True, max_excluded_reviewers=1)
    colleagues = [ReviewerFactory(institution=lille) for _ in range(2)]
    application = in_review_application(call)
    TeamMemberFactory(application=application, institution=lille)

    record_claims([application])

    states = [TeamClaim.objects.get(reviewer=person).state for person in colleagues]
    assert states == [ClaimState.COUNTED, ClaimState.PENDING]


def test_a_claim_keeps_its_place_and_is_logged_once(staff_client):
    call = CallFactory(closed=True, max_excluded_reviewers=1)
    application = in_review_application(call)
    TeamMemberFactory(application=application, email="second@example.org", position=8)
    later = ReviewerFactory(email="second@example.org")
    staff_client.get(board(call))
    staff_client.get(board(call))
    assert TeamClaim.objects.get(reviewer=later).state == ClaimState.COUNTED

    # A reviewer named by an earlier row joins afterwards: the first claim keeps its place.
    TeamMemberFactory(application=application, email="first@example.org", position=7)
    earlier = ReviewerFactory(email="first@example.org")
    staff_client.get(board(call))

    assert TeamClaim.objects.get(reviewer=later).state == ClaimState.COUNTED
    assert TeamClaim.objects.get(reviewer=earlier).state == ClaimState.PENDING
    assert claim_events(application, "claim_found").count() == 2


def test_the_proposal_marks_a_named_reviewer_and_a_confirmed_claim_skips_the_pair(staff_client):
    call = CallFactory(closed=True, max_excluded_reviewers=0, reviewers_per_application=1)
    rival = ReviewerFactory(email="rival@example.org", last_name="Rivale")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)

    staff_client.post(board(call), {"action": "propose"})
    proposal = AssignmentProposal.objects.get()
    url = reverse("reviews:proposal", args=[call.slug, proposal.pk])
    page = text_of(staff_client.get(url))

    assert proposal.pairs == [[application.pk, rival.pk, 0]]  # a claim is no obstacle...
    assert "named by the team, not confirmed" in page  # ...but staff see it
    assert 'value="confirm_claim"' in page and 'value="dismiss_claim"' in page
    claim = TeamClaim.objects.get()
    back = staff_client.post(
        board(call), {"action": "confirm_claim", "claim": claim.pk, "next": url}
    )
    assert back["Location"] == url
    response = staff_client.post(url, {"action": "apply"})

    assert response.context["result"]["created"] == 0
    assert not Assignment.objects.exists()


def test_confirming_a_claim_cancels_the_reviewers_unfinished_assignment(programme_manager):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org")
    application = in_review_application(call)
    assignment = assignments.assign_reviewer(application, rival, programme_manager)
    # Named afterwards (a member's profile, a reviewer who joins): staff confirm the claim.
    TeamMemberFactory(application=application, email=rival.email)
    record_claims([application], programme_manager)

    rule_on_claim(TeamClaim.objects.get(), programme_manager, confirm=True)

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CANCELLED


def test_a_claim_hides_a_dossier_from_a_council_member_only_once_it_counts(programme_manager):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    member = UserFactory(email="conseil@example.org", roles=[Role.COUNCIL_MEMBER])
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=member.email)
    record_claims([application], programme_manager)

    assert withheld_from(member, [application]) == {}

    rule_on_claim(TeamClaim.objects.get(reviewer=member), programme_manager, confirm=True)
    assert application.pk in withheld_from(member, [application])


def test_only_staff_rule_on_claims(client, other_applicant, programme_manager):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)
    record_claims([application], programme_manager)
    claim = TeamClaim.objects.get()
    for person in (rival, other_applicant, application.lead):
        client.force_login(person)
        response = client.post(board(call), {"action": "dismiss_claim", "claim": claim.pk})
        assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.state == ClaimState.PENDING


# What the lead's and the members' profiles say: claims, unless the platform verified it


ORCID = "0000-0002-1825-0097"


def test_an_orcid_typed_into_the_leads_profile_is_a_claim_not_a_fact(staff_client):
    """The profile form takes any ORCID iD, and one iD may be typed into several accounts."""
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(orcid=ORCID, last_name="Rivale")
    lead = UserFactory(first_name="Hélène", last_name="Porteuse", orcid=ORCID)
    application = in_review_application(call, lead=lead)

    assert conflicts_between(rival, application) == []
    page = text_of(staff_client.get(board(call)))

    assert conflicts_between(rival, application) == []  # beyond the limit: staff rule
    assert "profile of the lead (Hélène Porteuse), same ORCID iD" in page
    assert "named by the team, not confirmed" in page
    claim = TeamClaim.objects.get()
    assert (claim.reviewer, claim.state, claim.source) == (rival, ClaimState.PENDING, "lead")
    [found] = claim_events(application, "claim_found")
    assert "profile of the lead (Hélène Porteuse), same ORCID iD: named by the team" in (
        found.reason
    )


def test_an_orcid_proven_by_orcid_sign_in_is_a_fact():
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    reviewer = ReviewerFactory(orcid=ORCID)
    lead = UserFactory(orcid=ORCID)
    SocialAccount.objects.create(user=lead, provider="orcid", uid=ORCID)
    application = in_review_application(call, lead=lead)

    assert conflicts_between(reviewer, application) == [TEAM_MEMBER]
    record_claims([application])
    assert not TeamClaim.objects.exists()


def test_the_institution_of_the_leads_profile_is_a_claim_even_when_staff_set_it(
    programme_manager,
):
    """Nothing records who set a profile's institution, and its owner may change it."""
    lille = InstitutionFactory(name="Université de Lille")
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    colleague = ReviewerFactory(institution=lille)
    application = in_review_application(call, lead=UserFactory(institution=lille))

    record_claims([application], programme_manager)

    assert conflicts_between(colleague, application) == []
    claim = TeamClaim.objects.get(reviewer=colleague)
    assert (claim.state, claim.bases) == (ClaimState.PENDING, ["institution"])
    rule_on_claim(claim, programme_manager, confirm=True)
    assert conflicts_between(colleague, application) == [CONFIRMED_CLAIM]


def test_a_second_account_of_the_lead_that_joined_excludes_nobody_beyond_the_limit(
    staff_client,
):
    """The lead invites a second address of theirs and accepts from a second account whose
    profile carries the reviewers' ORCID iD and institution: one place, the rest to staff."""
    lille = InstitutionFactory(name="Université de Lille")
    call = CallFactory(closed=True, max_excluded_reviewers=1)
    by_orcid = ReviewerFactory(orcid=ORCID)
    by_institution = ReviewerFactory(institution=lille)
    application = in_review_application(call)
    second = UserFactory(email="porteuse.bis@example.org", orcid=ORCID, institution=lille)
    joined_member(application, second, name="Prête-nom", position=1)

    staff_client.get(board(call))

    assert conflicts_between(by_orcid, application) == [NAMED_BY_TEAM]
    assert conflicts_between(by_institution, application) == []
    states = {claim.reviewer: claim.state for claim in TeamClaim.objects.all()}
    assert states == {by_orcid: ClaimState.COUNTED, by_institution: ClaimState.PENDING}
    claim = TeamClaim.objects.get(reviewer=by_institution)
    assert claim.origin == (f"profile of {second}, who joined from team row 2, same institution")
    # The account that joined is itself a member: a fact.
    assert conflicts_between(second, application) == [TEAM_MEMBER]


def test_the_leads_profile_takes_its_place_before_the_team_rows():
    lille = InstitutionFactory(name="Université de Lille")
    call = CallFactory(closed=True, max_excluded_reviewers=1)
    named_by_row = ReviewerFactory(email="expert@example.org")
    from_lille = ReviewerFactory(institution=lille)
    application = in_review_application(call, lead=UserFactory(institution=lille))
    TeamMemberFactory(application=application, email=named_by_row.email, position=0)

    record_claims([application])

    assert conflicts_between(from_lille, application) == [NAMED_BY_TEAM]
    assert TeamClaim.objects.get(reviewer=named_by_row).state == ClaimState.PENDING


# Nothing is assigned from a claim that waits for staff


def test_applying_a_proposal_skips_a_reviewer_whose_claim_waits_for_staff(staff_client):
    call = CallFactory(closed=True, max_excluded_reviewers=0, reviewers_per_application=1)
    rival = ReviewerFactory(email="rival@example.org", last_name="Rivale")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)
    staff_client.post(board(call), {"action": "propose"})
    proposal = AssignmentProposal.objects.get()

    response = staff_client.post(
        reverse("reviews:proposal", args=[call.slug, proposal.pk]), {"action": "apply"}
    )

    assert response.context["result"]["created"] == 0
    [skipped] = response.context["result"]["skipped"]
    assert skipped["reviewer"] == rival
    assert "nobody has ruled on it yet: confirm the conflict or dismiss the claim first" in (
        text_of(response)
    )
    assert not Assignment.objects.exists()


def test_a_hand_assignment_waits_for_staff_to_rule_on_the_claim(staff_client):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)
    data = {"action": "assign", "application": application.pk, "reviewer": rival.pk}

    refused = staff_client.post(board(call), data)

    assert refused.status_code == 400
    assert not Assignment.objects.exists()
    assert refused.context["form"].errors["reviewer"] == [
        "The team names this reviewer beyond the exclusions the call allows, and nobody has "
        "ruled on it yet: confirm the conflict or dismiss the claim first."
    ]
    assert 'id="error_1_id_reviewer"' in text_of(refused)  # beside the reviewer
    staff_client.post(board(call), {"action": "dismiss_claim", "claim": TeamClaim.objects.get().pk})
    assert staff_client.post(board(call), data).status_code == 302
    assert Assignment.objects.get().reviewer == rival


def test_only_staff_rule_on_a_claim_whoever_calls_the_service(programme_manager):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)
    record_claims([application], programme_manager)
    claim = TeamClaim.objects.get()

    for person in (application.lead, rival):
        with pytest.raises(ReviewError, match="Only the programme team can confirm or dismiss"):
            rule_on_claim(claim, person, confirm=False)

    claim.refresh_from_db()
    assert claim.state == ClaimState.PENDING
    assert not claim_events(application, "claim_dismissed").exists()


# What the board reads


def test_recording_reads_nothing_more_when_the_page_has_the_facts_and_nothing_is_new(
    django_assert_num_queries,
):
    call = CallFactory(closed=True, max_excluded_reviewers=0)
    rival = ReviewerFactory(email="rival@example.org")
    application = in_review_application(call)
    TeamMemberFactory(application=application, email=rival.email)
    record_claims([application])
    facts = dossier_facts([application])
    people = list(people_with_conflicts())

    with django_assert_num_queries(0):
        assert record_claims([application], facts=facts, people=people) == []
