"""Closing a funded project (issue 18): what is missing (final reports not accepted, kinds of
deliverable the call requires not declared), a closure refused then overridden with a reason
kept in the history, the money not paid returning to the call's and the programme's envelopes
(and bringing the reserve list forward), staff's closure page, and suspension and termination
keeping their reason on the project page and in its history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.audit import trail
from applications.models import AuditSubject
from calls.models import CallRequiredDeliverable
from decisions import budget
from decisions.services import promotion_candidate
from projects import payments, services
from projects.closure import close_project, closure_problems
from projects.models import ProjectState
from projects.services import ProjectError

from .factories import (
    CallFactory,
    DeliverableFactory,
    EnvelopeFactory,
    ProjectFactory,
    ProjectReportFactory,
    decided_application,
)
from .reading import flat, visible_text

english = pytest.mark.usefixtures("in_english")
PAID_ON = dt.date(2026, 5, 4)


def paid(project, staff, *amounts, paying=None):
    """A schedule of `amounts`, the first `paying` of them paid (all by default)."""
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": f"Tranche {number}",
                "share": None,
                "amount": Decimal(amount),
                "planned_on": PAID_ON,
            }
            for number, amount in enumerate(amounts, start=1)
        ],
        staff,
    )
    for number, instalment in enumerate(project.instalments.order_by("position")[:paying]):
        payments.record_payment(
            instalment,
            paid_on=PAID_ON,
            amount=instalment.amount,
            reference=f"MDT-{number}",
            actor=staff,
        )
    return project


def closing(staff, amount="8000.00", **kwargs):
    """A running project paid in full, closing."""
    project = ProjectFactory(state="running", amount_granted=Decimal(amount), **kwargs)
    paid(project, staff, amount)
    return services.begin_closing(project, staff)


def require(project, *kinds):
    for position, kind in enumerate(kinds):
        CallRequiredDeliverable.objects.create(
            call=project.application.call, kind=kind, sort_order=position
        )


# What is missing


@english
def test_closure_lists_final_reports_not_accepted_and_required_kinds_not_declared(
    programme_manager,
):
    project = closing(programme_manager)
    ProjectReportFactory(
        project=project, kind="final_scientific", title_en="Final report", state="submitted"
    )
    ProjectReportFactory(project=project, kind="final_financial", state="accepted")
    ProjectReportFactory(project=project, kind="interim", state="draft")  # not a final one
    require(project, "dataset", "software")
    DeliverableFactory(project=project, kind="dataset")
    assert closure_problems(project) == [
        "“Final report” is not accepted yet (submitted).",
        "No deliverable of the kind “Software” is declared; the call requires one.",
    ]


def test_nothing_is_missing_once_all_is_accepted_and_declared(programme_manager):
    project = closing(programme_manager)
    ProjectReportFactory(project=project, kind="final_scientific", state="accepted")
    require(project, "software")
    DeliverableFactory(project=project, kind="software")
    assert closure_problems(project) == []
    close_project(project, programme_manager)
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSED


# Refused, then overridden


@english
def test_a_closure_with_something_missing_is_refused_then_overridden_with_a_reason(
    programme_manager,
):
    project = closing(programme_manager)
    require(project, "software")
    for reason in ("", "   "):
        with pytest.raises(ProjectError) as error:
            close_project(project, programme_manager, override_reason=reason)
        assert error.value.problems == {
            "override_reason": [
                "Something is missing: give the reason for closing the project anyway."
            ]
        }
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSING

    close_project(project, programme_manager, override_reason="Logiciel abandonné, dit en CM.")
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSED
    row = trail(project.application, AuditSubject.PROJECT)[-1]
    assert row.action == "Project closed"
    assert row.reason.startswith("Logiciel abandonné, dit en CM. (closed without: No deliverable")


@pytest.mark.parametrize("state", ["running", "suspended", "closed", "terminated"])
def test_only_a_closing_project_is_closed(state, programme_manager):
    project = ProjectFactory(state=state)
    with pytest.raises(ProjectError):
        close_project(project, programme_manager, override_reason="Quand même")
    project.refresh_from_db()
    assert project.state == state


def test_only_staff_close(programme_manager, council_member):
    project = closing(programme_manager)
    for person in (project.application.lead, council_member):
        with pytest.raises(ProjectError):
            close_project(project, person)
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSING


# The money


@english
def test_the_money_not_paid_returns_to_the_envelopes_and_brings_the_reserve_forward(
    programme_manager,
):
    call = CallFactory(closed=True, envelope=Decimal("25000.00"))
    year = budget.call_year(call)
    EnvelopeFactory(programme=call.programme, year=year, amount=Decimal("40000.00"))
    project = ProjectFactory(state="running", call=call, amount_granted=Decimal("20000.00"))
    paid(project, programme_manager, "12000.00", "8000.00", paying=1)
    reserve = decided_application(call, "reserve")  # requests 10,000
    before = budget.call_budget(call).remaining
    assert before == Decimal("5000.00")
    assert budget.programme_year_budget(call.programme, year).remaining == Decimal("20000.00")
    assert promotion_candidate(call) is None

    services.begin_closing(project, programme_manager)
    close_project(project, programme_manager)

    project.refresh_from_db()
    project.decision.refresh_from_db()
    assert project.state == ProjectState.CLOSED
    assert project.amount_granted == project.decision.amount_granted == Decimal("12000.00")
    assert budget.call_budget(call).remaining == before + Decimal("8000.00")
    assert budget.programme_year_budget(call.programme, year).remaining == Decimal("28000.00")
    promotion = promotion_candidate(call)
    assert promotion.decision.application == reserve
    assert promotion.remaining == Decimal("13000.00")
    # The schedule adds up to what was paid; the history says where the money went.
    assert [i.amount for i in project.instalments.order_by("position")] == [Decimal("12000.00")]
    lowered = project.application.events.get(subject=AuditSubject.DECISION, action="lower_grant")
    assert "what was not paid returns to the envelopes" in lowered.reason


def test_a_project_paid_in_full_keeps_its_grant(programme_manager):
    project = closing(programme_manager, amount="8000.00")
    close_project(project, programme_manager)
    project.refresh_from_db()
    assert project.amount_granted == Decimal("8000.00")
    assert not project.application.events.filter(action="lower_grant").exists()


@english
def test_a_project_paid_nothing_is_not_closed(programme_manager):
    project = services.begin_closing(ProjectFactory(state="running"), programme_manager)
    with pytest.raises(ProjectError, match="Nothing was paid on this project"):
        close_project(project, programme_manager)
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSING
    assert project.decision.amount_granted == Decimal("8000.00")


# The closure page


def closure_page(project):
    return reverse("projects:close", args=[project.pk])


def test_staff_find_the_closure_page_from_the_project_once_it_is_closing(client, programme_manager):
    project = closing(programme_manager)
    client.force_login(programme_manager)
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert f'href="{closure_page(project)}"' in page


def test_the_page_shows_what_is_missing_and_refuses_without_a_reason(client, programme_manager):
    project = ProjectFactory(state="running", amount_granted=Decimal("20000.00"))
    paid(project, programme_manager, "12000.00", "8000.00", paying=1)
    services.begin_closing(project, programme_manager)
    require(project, "software")
    client.force_login(programme_manager)
    text = visible_text(client.get(closure_page(project)))
    assert "Il manque encore" in text
    assert "Payé 12 000 € Revient aux enveloppes 8 000 €" in flat(text)
    assert "Aucun livrable de type « Logiciel » n’est déclaré" in text
    response = client.post(closure_page(project), {"closure-override_reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_closure-override_reason"' in page and 'aria-invalid="true"' in page
    assert "donnez la raison de clore le projet malgré tout" in visible_text(response)
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSING

    response = client.post(
        closure_page(project), {"closure-override_reason": "Décision du CM."}, follow=True
    )
    assert "Le projet est clos." in visible_text(response)
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSED


def test_a_project_not_closing_shows_why_without_the_form(client, programme_manager):
    project = ProjectFactory(state="running")
    client.force_login(programme_manager)
    response = client.get(closure_page(project))
    text = visible_text(response)
    assert "ne peut pas être clos" in text
    assert "closure-form" not in response.content.decode()


@pytest.mark.parametrize("persona", ["council_member", "other_applicant"])
def test_only_staff_open_the_closure_page(persona, client, programme_manager, request):
    project = closing(programme_manager)
    for person in (project.application.lead, request.getfixturevalue(persona)):
        client.force_login(person)
        assert client.get(closure_page(project)).status_code == 404
        assert client.post(closure_page(project), {}).status_code == 404
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSING


# Suspension and termination keep their reason


def test_suspension_and_termination_keep_their_reason_on_the_page_and_in_the_history(
    client, programme_manager
):
    project = ProjectFactory(state="running")
    services.suspend_project(project, programme_manager, "Porteuse en congé")
    client.force_login(project.application.lead)
    text = visible_text(client.get(reverse("projects:project", args=[project.pk])))
    assert "Suspendu Porteuse en congé" in text
    assert "Projet suspendu (Suspendu) Porteuse en congé" in text

    services.terminate_project(project, programme_manager, "Équipe dissoute")
    text = visible_text(client.get(reverse("projects:project", args=[project.pk])))
    assert "Résilié Équipe dissoute" in text
    assert "Projet suspendu (Suspendu) Porteuse en congé" in text
    assert "Projet résilié (Résilié) Équipe dissoute" in text


@english
def test_the_closure_page_reads_in_english(client, programme_manager):
    project = closing(programme_manager)
    require(project, "software")
    client.force_login(programme_manager)
    response = client.get(reverse("projects:close", args=[project.pk]))
    assert response.request["PATH_INFO"].startswith("/en/projects/")
    text = visible_text(response)
    assert "Closing project" in text and "Still missing:" in text
    assert "Returns to the envelopes €0" in flat(text)
    assert "Reason for closing despite what is missing" in text
