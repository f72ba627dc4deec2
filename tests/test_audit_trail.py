"""The audit trail: every change of an assignment, a review and a consensus report is recorded
in its transaction (who, from, to, why); programme staff read an application's history in words
and export it as CSV; nobody else learns it exists."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from applications import audit
from applications.models import ApplicationEvent, AuditSubject
from reviews import assignments, deliberation, reviewing
from reviews.errors import ReviewError
from reviews.models import Assignment

from .factories import (
    CallCriterionFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
    in_review_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def call():
    call = CallFactory(closed=True, reviewers_per_application=2)
    CallCriterionFactory(call=call, name_en="Quality", weight=Decimal("1"))
    return call


def url(name, application, language="en"):
    with translation.override(language):
        return reverse(f"applications:{name}", args=[application.pk])


def trail(application, subject):
    return list(
        application.events.filter(subject=subject)
        .order_by("created_at", "pk")
        .values_list("action", "actor", "from_state", "to_state", "reason")
    )


def review_data(call):
    return {
        "scores": {criterion.pk: ("4", "Argumenté.") for criterion in call.criteria.all()},
        "comment_for_applicant": "Un projet solide.",
        "confidential_comment": "Équipe reconnue.",
        "recommendation": "fund",
    }


def consensus_data(call):
    return {
        "scores": {criterion.pk: ("4", "") for criterion in call.criteria.all()},
        "majority_view": "Solide.",
        "comment_for_applicant": "Un bon projet.",
        "recommendation": "fund",
    }


def assigned(application, reviewer, staff):
    assignments.assign_reviewer(application, reviewer, staff)
    return Assignment.objects.get(application=application, reviewer=reviewer)


# What is recorded


def test_each_change_of_an_assignment_is_recorded_with_who_from_to_and_why(call, programme_manager):
    application = in_review_application(call)
    first, second, third, fourth = ReviewerFactory.create_batch(4)
    accepted, declined, recused, cancelled = (
        assigned(application, reviewer, programme_manager)
        for reviewer in (first, second, third, fourth)
    )
    assignments.accept_assignment(accepted, first)
    assignments.decline_assignment(declined, second, "En congé jusqu'en juin.")
    assignments.declare_conflict(recused, third, "J'ai co-écrit avec la porteuse.")
    assignments.cancel_assignment(cancelled, programme_manager, "Remplacé.")
    with pytest.raises(ReviewError):
        assignments.accept_assignment(declined, second)  # refused: nothing recorded

    staff = programme_manager.pk
    assert trail(application, AuditSubject.ASSIGNMENT) == [
        ("assign", staff, "", "pending", audit.person(first)),
        ("assign", staff, "", "pending", audit.person(second)),
        ("assign", staff, "", "pending", audit.person(third)),
        ("assign", staff, "", "pending", audit.person(fourth)),
        ("accept", first.pk, "pending", "accepted", ""),
        ("decline", second.pk, "pending", "declined", "En congé jusqu'en juin."),
        ("recuse", third.pk, "pending", "recused", "J'ai co-écrit avec la porteuse."),
        ("cancel", staff, "pending", "cancelled", f"{audit.person(fourth)}: Remplacé."),
    ]
    assert audit.person(first) == f"{first.get_full_name()} <{first.email}>"
    # The application's own move, by the first assignment, is in the same trail.
    assert trail(application, AuditSubject.APPLICATION) == [
        ("start_review", staff, "eligible", "in_review", "")
    ]


def test_an_applied_proposal_records_one_row_per_assignment(call, programme_manager):
    applications = [in_review_application(call) for _ in range(2)]
    reviewers = ReviewerFactory.create_batch(2)
    proposal = assignments.propose_assignments(call, programme_manager)

    created, _skipped = assignments.apply_proposal(proposal, programme_manager)

    assert len(created) == 4
    rows = ApplicationEvent.objects.filter(subject=AuditSubject.ASSIGNMENT)
    assert sorted(rows.values_list("application", "action", "actor", "to_state", "reason")) == (
        sorted(
            (application.pk, "assign_proposed", programme_manager.pk, "pending", audit.person(r))
            for application in applications
            for r in reviewers
        )
    )


def test_reviews_and_the_consensus_report_record_each_change(call, programme_manager):
    application = in_review_application(call)
    reviewer = ReviewerFactory()
    assignment = assigned(application, reviewer, programme_manager)
    assignments.accept_assignment(assignment, reviewer)
    reviewing.save_review(assignment, reviewer, review_data(call))  # a draft: no row
    review = reviewing.submit_review(assignment, reviewer, review_data(call))
    reviewing.reopen_review(review, programme_manager, "Note du critère à revoir.")
    reviewing.submit_review(assignment, reviewer, review_data(call))

    deliberation.set_rapporteur(application, reviewer, programme_manager)
    deliberation.save_consensus(application, reviewer, consensus_data(call))  # a draft: no row
    report = deliberation.save_consensus(application, reviewer, consensus_data(call), finalise=True)
    deliberation.reopen_consensus(report, programme_manager)
    deliberation.reopen_consensus(report, programme_manager)  # already a draft: no row

    staff = programme_manager.pk
    assert trail(application, AuditSubject.REVIEW) == [
        ("submit", reviewer.pk, "draft", "submitted", ""),
        (
            "reopen",
            staff,
            "submitted",
            "draft",
            f"{audit.person(reviewer)}: Note du critère à revoir.",
        ),
        ("submit", reviewer.pk, "draft", "submitted", ""),
    ]
    assert trail(application, AuditSubject.CONSENSUS) == [
        ("set_rapporteur", staff, "draft", "draft", audit.person(reviewer)),
        ("finalise", reviewer.pk, "draft", "final", ""),
        ("reopen", staff, "final", "draft", ""),
    ]


def test_a_threshold_override_is_the_reason_of_the_finalised_consensus(programme_manager):
    call = CallFactory(closed=True, total_threshold=Decimal("12"))
    criterion = CallCriterionFactory(call=call, threshold=Decimal("3"))
    application = in_review_application(call)
    data = {
        "scores": {criterion.pk: ("2", "")},
        "comment_for_applicant": "À retravailler.",
        "recommendation": "fund",
        "threshold_override": True,
        "override_reason": "Projet stratégique pour le réseau.",
    }
    deliberation.save_consensus(application, programme_manager, data, finalise=True)

    assert trail(application, AuditSubject.CONSENSUS) == [
        ("finalise", programme_manager.pk, "draft", "final", "Projet stratégique pour le réseau.")
    ]


# The page


@pytest.fixture
def history(call, programme_manager):
    """An application with a hand assignment, a declared conflict and an accepted review."""
    application = in_review_application(call, title="Photographies d'Afrique")
    recusing = ReviewerFactory(first_name="Rémi", last_name="Récusé")
    accepting = ReviewerFactory(first_name="Anne", last_name="Acceptante")
    assignments.declare_conflict(
        assigned(application, recusing, programme_manager), recusing, "Ancien directeur de thèse."
    )
    assignments.accept_assignment(assigned(application, accepting, programme_manager), accepting)
    return application


def test_staff_read_the_history_in_words_oldest_first(client, programme_manager, history):
    client.force_login(programme_manager)

    response = client.get(url("history", history))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    rows = response.context["rows"]
    assert [(row.about, row.action, row.from_state, row.to_state) for row in rows] == [
        ("Assignment", "Reviewer assigned by hand", "", "Awaiting answer"),
        ("Application", "Sent to review", "Eligible", "In review"),
        ("Assignment", "Conflict of interest declared", "Awaiting answer", "Conflict of interest"),
        ("Assignment", "Reviewer assigned by hand", "", "Awaiting answer"),
        ("Assignment", "Accepted, no conflict of interest declared", "Awaiting answer", "Accepted"),
    ]
    page = response.content.decode()
    assert "History of “Photographies d&#x27;Afrique”" in page
    assert "Ancien directeur de thèse." in page
    assert "Rémi Récusé" in page and programme_manager.email in page
    assert url("history_csv", history) in page
    assert reverse("audit:dossier_zip", args=[history.pk]) in page
    assert "Europe/Paris" not in page and "+0" in page  # <time datetime> in Paris time


def test_the_history_reads_in_french(client, programme_manager, history):
    client.force_login(programme_manager)

    response = client.get(url("history", history, "fr"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "En attente de réponse" in page and "Conflit d&#x27;intérêts" in page
    assert "Recevable" in page and "En expertise" in page
    assert "Awaiting answer" not in page and "In review" not in page


def test_the_staff_list_links_to_each_history(client, programme_manager, history):
    client.force_login(programme_manager)

    response = client.get(reverse("applications:call_applications", args=[history.call.slug]))

    assert url("history", history) in response.content.decode()


def test_a_history_without_rows_says_so(client, programme_manager, call):
    application = in_review_application(call)
    client.force_login(programme_manager)

    response = client.get(url("history", application))

    assert response.status_code == 200 and "Nothing recorded yet." in response.content.decode()


@pytest.mark.parametrize("count", [5, 60])
def test_the_history_query_count_does_not_grow_with_its_rows(
    client, programme_manager, call, count, django_assert_max_num_queries
):
    application = in_review_application(call)
    actors = UserFactory.create_batch(3)
    audit.record_many(
        {
            "application": application,
            "actor": actors[i % 3],
            "subject": AuditSubject.ASSIGNMENT,
            "action": "assign",
            "to_state": "pending",
            "reason": f"Ligne {i}",
        }
        for i in range(count)
    )
    client.force_login(programme_manager)
    client.get(url("history", application))  # the base template's site settings, once

    # Session, user, application, permissions, the rows with their actors; the base template's
    # site, settings and unread messages.
    with django_assert_max_num_queries(10):
        response = client.get(url("history", application))

    assert len(response.context["rows"]) == count


# The CSV


def test_the_csv_has_the_pages_columns_and_no_formula(client, programme_manager, history):
    reviewer = ReviewerFactory(first_name="=cmd|", last_name="calc")
    assignment = assigned(history, reviewer, programme_manager)
    assignments.decline_assignment(assignment, reviewer, '=HYPERLINK("http://x")')
    client.force_login(programme_manager)

    response = client.get(url("history_csv", history))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="historique-{history.reference}.csv"'
    )
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "When (Paris time)",
        "Who",
        "About",
        "Action",
        "From",
        "To",
        "Reason or details",
    ]
    assert len(rows) == 1 + 7
    assert rows[1][1:6] == [
        audit.person(programme_manager),
        "Assignment",
        "Reviewer assigned by hand",
        "",
        "Awaiting answer",
    ]
    assert rows[1][0][-6:] in ("+01:00", "+02:00")  # Paris time, with its offset
    assert rows[-2][6] == f"'{audit.person(reviewer)}", "a name typed as a formula is inert"
    assert rows[-1][1] == f"'{audit.person(reviewer)}"
    assert rows[-1][6] == '\'=HYPERLINK("http://x")'


# Who may read it


@pytest.fixture
def personas(history, applicant, other_applicant, council_member):
    history.lead = applicant
    history.save(update_fields=["lead"])
    accepted = history.assignments.get(state="accepted")
    return {
        "lead": applicant,
        "other applicant": other_applicant,
        "council member": council_member,
        "reviewer": accepted.reviewer,
    }


@pytest.mark.parametrize("name", ["history", "history_csv"])
@pytest.mark.parametrize("persona", ["lead", "other applicant", "council member", "reviewer"])
def test_only_programme_staff_read_the_history(client, history, personas, persona, name):
    client.force_login(personas[persona])

    assert client.get(url(name, history)).status_code == 404


@pytest.mark.parametrize("name", ["history", "history_csv"])
def test_the_history_asks_anonymous_visitors_to_sign_in(client, history, name):
    response = client.get(url(name, history))

    assert response.status_code == 302 and "login" in response["Location"]


def test_administrators_read_the_history(client, administrator, history):
    client.force_login(administrator)

    assert client.get(url("history", history)).status_code == 200


def test_the_lead_never_sees_the_trail_on_their_own_page(client, history, personas):
    client.force_login(personas["lead"])

    response = client.get(reverse("applications:edit", args=[history.pk]))

    page = response.content.decode()
    assert response.status_code == 200 and history.title in page.replace("&#x27;", "'")
    assert "Ancien directeur de thèse." not in page and "Récusé" not in page
    assert url("history", history) not in page
