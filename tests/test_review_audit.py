"""Found in review: who may read a dossier's reviews (conflicts, unfinished reviews, states)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from applications.models import ApplicationState
from reviews import assignments, deliberation, reviewing
from reviews.claims import record_claims, rule_on_claim
from reviews.models import TeamClaim

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    InstitutionFactory,
    ReviewerFactory,
    UserFactory,
    in_review_application,
    joined_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def call():
    call = CallFactory(closed=True, reviewers_per_application=2)
    CallCriterionFactory(call=call, name_en="Quality", weight=Decimal("1"), sort_order=1)
    return call


def submit(assignment):
    """Submit a review of an accepted assignment through the services."""
    criterion = assignment.application.call.criteria.get()
    return reviewing.submit_review(
        assignment,
        assignment.reviewer,
        {
            "scores": {criterion.pk: ("4", "Argumenté.")},
            "comment_for_applicant": "Un projet solide.",
            "confidential_comment": "Confidentiel : équipe fragile.",
            "recommendation": "fund",
        },
    )


def in_review(call):
    application = ApplicationFactory(call=call, in_review=True)
    submit(AssignmentFactory(application=application, accepted=True))
    return application


def pages(application):
    return (
        reverse("reviews:dossier", args=[application.pk]),
        reverse("reviews:consensus", args=[application.pk]),
    )


def test_a_rapporteur_who_declares_a_conflict_loses_the_dossier(client, call, programme_manager):
    application = in_review(call)
    rapporteur = AssignmentFactory(application=application, accepted=True)
    submit(rapporteur)
    # Staff choose them; they can read and write.
    deliberation.set_rapporteur(application, rapporteur.reviewer, programme_manager)
    client.force_login(rapporteur.reviewer)
    assert [client.get(url).status_code for url in pages(application)] == [200, 200]

    # A conflict found later: staff reopen the review, the reviewer declares it.
    reviewing.reopen_review(rapporteur.review, None, "Conflit découvert")
    assignments.declare_conflict(rapporteur, rapporteur.reviewer, "Mon ancien doctorant.")

    assert [client.get(url).status_code for url in pages(application)] == [404, 404]
    assert "Confidentiel" not in client.get(pages(application)[0]).content.decode()


def test_a_council_member_in_conflict_cannot_read_the_dossiers_reviews(
    client, call, programme_manager
):
    lille = InstitutionFactory(name="Université de Lille")
    application = in_review(call)
    # A member who joined the team from Lille: their profile names the council member from
    # Lille, and the programme team confirms the conflict.
    joined_member(application, UserFactory(institution=lille), name="Collègue")
    colleague = UserFactory(roles=[Role.COUNCIL_MEMBER], institution=lille)
    other = UserFactory(roles=[Role.COUNCIL_MEMBER])
    record_claims([application], programme_manager)
    rule_on_claim(TeamClaim.objects.get(reviewer=colleague), programme_manager, confirm=True)

    client.force_login(colleague)
    assert client.get(pages(application)[0]).status_code == 404
    client.force_login(other)
    assert client.get(pages(application)[0]).status_code == 200


def test_a_council_member_who_reviews_the_dossier_reads_the_others_once_theirs_is_in(client, call):
    """The call's rule (other reviews only after submitting one's own) holds on the council's
    page too."""
    application = in_review(call)
    both = ReviewerFactory(roles=[Role.REVIEWER, Role.COUNCIL_MEMBER])
    assignment = AssignmentFactory(application=application, reviewer=both, accepted=True)

    client.force_login(both)
    assert client.get(pages(application)[0]).status_code == 404
    submit(assignment)
    assert client.get(pages(application)[0]).status_code == 200


@pytest.mark.parametrize(
    "state",
    [ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN],
)
def test_the_reviews_page_of_an_application_not_in_review_is_not_found(
    client, council_member, programme_manager, call, state
):
    application = in_review_application(call, title="Brouillon secret", state=state)

    for person in (council_member, programme_manager):
        client.force_login(person)
        for url in pages(application):
            response = client.get(url)
            assert response.status_code == 404
            assert "Brouillon secret" not in response.content.decode()
