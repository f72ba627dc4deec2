"""A person deletes their account from their account page: refused, with the reason and links,
while they lead an application in progress, owe a review, take part in a held dossier, or run
the platform; otherwise their personal data go at once, they are signed out, and what others
need stays under a placeholder. The service asks the rule again itself."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from applications.models import Application, ApplicationState
from applications.services import submit_application
from privacy.erasure import ErasureRefused, erase_account
from privacy.models import Anonymisation, EventKind, Hold, PrivacyEvent
from reviews import assignments, reviewing
from reviews.models import Assignment, Review

from .factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    decided_application,
    joined_member,
)

pytestmark = pytest.mark.django_db

URL = "privacy:delete_account"


def ask_to_delete(client, user, confirm=True):
    """The page in the person's language, as their account page links to it."""
    client.force_login(user)
    with translation.override(user.language):
        url = reverse(URL)
    return client.post(url, {"confirm": "on"} if confirm else {})


def unchanged(user):
    fresh = get_user_model().objects.get(pk=user.pk)
    return (
        fresh.is_active
        and (fresh.first_name, fresh.last_name, fresh.email)
        == (user.first_name, user.last_name, user.email)
        and not Anonymisation.objects.filter(user=user).exists()
    )


def refusals(user):
    return list(
        PrivacyEvent.objects.filter(kind=EventKind.ERASURE_REFUSED, person=user).values_list(
            "note", flat=True
        )
    )


def test_refused_while_leading_a_draft_with_a_link_to_it(client, applicant):
    draft = ApplicationFactory(lead=applicant, title="Brouillon des herbiers")

    response = ask_to_delete(client, applicant)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Votre compte ne peut pas être supprimé maintenant" in page
    assert "Vous portez des candidatures en cours" in page
    assert f'href="{reverse("applications:edit", args=[draft.pk])}"' in page
    assert "Brouillon des herbiers" in page
    assert unchanged(applicant)
    assert refusals(applicant) == ["applications"]
    assert client.login(email=applicant.email, password=DEFAULT_PASSWORD)


@pytest.mark.parametrize("state", ["submitted", "eligible", "in_review"])
def test_refused_while_an_application_is_not_yet_concluded(client, applicant, state):
    ApplicationFactory(lead=applicant, **{state: True})

    ask_to_delete(client, applicant)

    assert unchanged(applicant)
    assert refusals(applicant) == ["applications"]


def test_refused_while_a_review_is_owed_with_a_link_to_it(client):
    reviewer = ReviewerFactory(language="en")
    pending = AssignmentFactory(reviewer=reviewer)
    accepted = AssignmentFactory(reviewer=reviewer, accepted=True)
    Review.objects.create(assignment=accepted)  # a draft: not submitted

    response = ask_to_delete(client, reviewer)

    page = response.content.decode()
    assert "You have reviews to answer or to submit" in page
    for assignment in (pending, accepted):
        assert f'href="{reverse("reviews:assignment", args=[assignment.pk])}"' in page
    assert unchanged(reviewer)
    assert refusals(reviewer) == ["reviews"]


@pytest.mark.parametrize(
    "account",
    [
        {"roles": [Role.PROGRAMME_MANAGER]},
        {"is_staff": True},
        {"is_superuser": True, "is_staff": True},
    ],
)
def test_staff_and_administrators_ask_an_administrator(client, account):
    user = UserFactory(language="en", **account)

    page = ask_to_delete(client, user).content.decode()

    assert "ask an administrator to close it" in page
    assert unchanged(user)
    assert refusals(user) == ["staff"]


def test_the_page_says_beforehand_what_blocks_it(client, applicant):
    ApplicationFactory(lead=applicant)
    client.force_login(applicant)

    page = client.get(reverse("privacy:my_data")).content.decode()

    assert "Votre compte ne peut pas encore être supprimé" in page
    assert not PrivacyEvent.objects.exists()


def test_nothing_happens_without_the_confirmation(client, applicant):
    response = ask_to_delete(client, applicant, confirm=False)

    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "Cochez la case pour confirmer." in page
    assert unchanged(applicant)
    assert not PrivacyEvent.objects.exists()


def test_a_sign_in_older_than_fifteen_minutes_is_asked_again(client, applicant):
    client.force_login(applicant)
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= 16 * 60
    session.save()

    response = client.post(reverse(URL), {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert unchanged(applicant)


@pytest.fixture
def concluded(applicant, programme_manager):
    """A decided application that `applicant` submitted, and a review of it written by a
    reviewer who has nothing else to do."""
    call = CallFactory()
    criterion = CallCriterionFactory(call=call, scale_max=5)
    applicant.first_name, applicant.last_name = "Apolline", "Effaçable"
    applicant.save()
    application = ApplicationFactory(call=call, lead=applicant, title="Atlas", complete=True)
    submit_application(application, applicant)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.IN_REVIEW)
    reviewer = ReviewerFactory(first_name="Bérénice", last_name="Partante", language="en")
    assignments.assign_reviewer(application, reviewer, programme_manager)
    assignment = Assignment.objects.get(application=application)
    assignments.accept_assignment(assignment, reviewer)
    reviewing.submit_review(
        assignment,
        reviewer,
        {
            "scores": {criterion.pk: ("4", "Solide.")},
            "comment_for_applicant": "Un projet solide.",
            "confidential_comment": "",
            "recommendation": "fund",
        },
    )
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.DECIDED)
    application.refresh_from_db()
    return application, reviewer


def test_an_applicant_erased_signs_out_and_reads_the_confirmation(
    client, applicant, programme_manager, concluded
):
    application, _reviewer = concluded

    response = ask_to_delete(client, applicant)

    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Votre compte a été supprimé" in home
    assert "_auth_user_id" not in client.session
    assert not client.login(email="porteuse@example.org", password=DEFAULT_PASSWORD)
    assert PrivacyEvent.objects.filter(
        kind=EventKind.ERASURE, person=applicant, actor=applicant
    ).exists()
    assert Anonymisation.objects.filter(user=applicant, rule="erasure").exists()

    client.force_login(programme_manager)
    listing = client.get(reverse("applications:call_applications", args=[application.call.slug]))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert application.reference in text and "Compte supprimé" in text
    for never in ("Apolline", "Effaçable", "porteuse@example.org"):
        assert never not in text, never
    page = client.get(reverse("applications:edit", args=[application.pk]))
    assert page.status_code == 200
    assert "Atlas" in page.content.decode() and "Effaçable" not in page.content.decode()
    dossier = client.get(reverse("reviews:dossier", args=[application.pk])).content.decode()
    assert "Compte supprimé" in dossier and "Un projet solide." in dossier
    assert "Effaçable" not in dossier


def test_a_reviewer_erased_leaves_their_scores(client, concluded):
    application, reviewer = concluded
    review = Review.objects.get(assignment__reviewer=reviewer)

    response = ask_to_delete(client, reviewer)

    assert response.status_code == 302 and response["Location"] == "/en/"
    assert "Your account has been deleted" in client.get("/en/").content.decode()
    kept = Review.objects.get(pk=review.pk)
    assert kept.is_submitted and kept.weighted_score == review.weighted_score
    assert [str(row.score) for row in kept.scores.all()] == ["4.0"]
    assert kept.recommendation == "fund"
    erased = get_user_model().objects.get(pk=reviewer.pk)
    assert "Partante" not in str(erased) and not erased.is_active


def lead_of(application, user):
    Application.objects.filter(pk=application.pk).update(lead=user)


def on_the_team_by_orcid(application, user):
    TeamMemberFactory(application=application, email="autre.adresse@example.org", orcid=user.orcid)


def joined_the_team(application, user):
    joined_member(application, user)


def reviewed(application, user):
    assignment = AssignmentFactory(application=application, reviewer=user, accepted=True)
    Review.objects.create(assignment=assignment, state="submitted")


@pytest.mark.parametrize("part", [lead_of, on_the_team_by_orcid, joined_the_team, reviewed])
def test_refused_while_taking_part_in_a_held_dossier(client, part):
    """A dossier kept for a legal reason stays whole: its lead, its team and its reviewers
    cannot rewrite it by erasing their account."""
    person = UserFactory(orcid="0000-0001-5109-3700")
    application = decided_application()
    part(application, person)
    Hold.objects.create(application=application, reason="Contentieux")

    page = ask_to_delete(client, person).content.decode()

    assert "Un dossier auquel vous participez est conservé pour un motif légal" in page
    assert unchanged(person)
    assert refusals(person) == ["held"]

    Hold.objects.all().delete()
    ask_to_delete(client, person)
    assert Anonymisation.objects.filter(user=person).exists()


def test_a_blocker_that_appears_after_the_page_is_still_refused(client, applicant):
    """The page said the account could go; a draft started since (another tab) is found by the
    service itself."""
    client.force_login(applicant)
    assert "ne peut pas encore" not in client.get(reverse("privacy:my_data")).content.decode()
    ApplicationFactory(lead=applicant)

    with pytest.raises(ErasureRefused) as refusal:
        erase_account(applicant)

    assert [blocker.kind for blocker in refusal.value.blockers] == ["applications"]
    assert unchanged(applicant)
    assert refusals(applicant) == ["applications"]
