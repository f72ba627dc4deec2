"""Funded projects (issue 17, first part): one project per funded decision, made when its letter
is sent; its moves through the PROJECT table, allowed and refused by state and by person; its end
date computed from its start and duration; every move in the application's audit trail."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from applications.audit import trail
from applications.models import AuditSubject
from decisions import services as decisions
from decisions.letters import send_letter, send_letters
from decisions.models import Decision
from demo.decisions import DECIDED_CALL
from projects import closure, payments, services
from projects.models import (
    AgreementVersion,
    Party,
    Project,
    ProjectState,
    Signature,
    add_months,
)
from projects.services import ProjectError

from .factories import (
    CallFactory,
    InstitutionFactory,
    TeamMemberFactory,
    decided_application,
    joined_member,
)

SIGNED = dt.date(2026, 3, 16)


@pytest.fixture
def funded(db):
    return decided_application(
        CallFactory(closed=True), amount=Decimal("12500.00"), application={"title": "Corpus"}
    )


@pytest.fixture
def project(funded, programme_manager):
    send_letter(funded.decision, programme_manager)
    return Project.objects.get(decision=funded.decision)


def signed(project, staff):
    return services.sign_agreement(
        project, staff, signed_on=SIGNED, start_date=SIGNED, duration_months=24
    )


def running(project, staff):
    return services.start_project(signed(project, staff), staff)


def paid_in_full(project, staff):
    """One instalment of the whole grant, paid: a project is closed once paid."""
    row = {"instalment": None, "label": "Solde", "share": None, "planned_on": SIGNED}
    payments.set_schedule(project, [{**row, "amount": project.amount_granted}], staff)
    payments.record_payment(
        project.instalments.get(),
        paid_on=SIGNED,
        amount=project.amount_granted,
        reference="MDT-1",
        actor=staff,
    )


# One project per funded decision


def test_sending_the_funding_letter_makes_the_project_with_the_amount_granted(
    funded, programme_manager
):
    send_letter(funded.decision, programme_manager)
    project = Project.objects.get(decision=funded.decision)
    assert project.amount_granted == Decimal("12500.00")
    assert project.state == ProjectState.AGREEMENT_PREPARATION
    assert project.application == funded
    assert [row.action for row in trail(funded, AuditSubject.PROJECT)] == ["Projet créé"]


def test_a_second_letter_or_a_second_call_still_makes_one_project(funded, programme_manager):
    send_letter(funded.decision, programme_manager)
    send_letter(funded.decision, programme_manager)
    again = services.create_project(funded.decision, programme_manager)
    assert Project.objects.filter(decision=funded.decision).count() == 1
    assert again == Project.objects.get()


def test_the_database_refuses_a_second_project_of_one_decision(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(decision=project.decision, amount_granted=Decimal("1.00"))


@pytest.mark.parametrize("outcome", ["rejected", "reserve"])
def test_a_decision_not_funded_never_becomes_a_project(outcome, programme_manager):
    application = decided_application(CallFactory(closed=True), outcome)
    send_letter(application.decision, programme_manager)
    assert not Project.objects.exists()
    with pytest.raises(ProjectError):
        services.create_project(application.decision, programme_manager)
    assert not Project.objects.exists()


def test_a_funded_decision_without_its_letter_has_no_project_yet(funded):
    assert not Project.objects.exists()


def test_a_batch_of_letters_makes_the_projects_of_the_funded_only(programme_manager):
    call = CallFactory(closed=True)
    funded = [decided_application(call), decided_application(call)]
    decided_application(call, "rejected")
    send_letters(call, programme_manager)
    assert set(Project.objects.values_list("decision__application", flat=True)) == {
        application.pk for application in funded
    }


def test_the_command_makes_the_projects_of_letters_sent_before_projects_existed(
    funded, programme_manager
):
    send_letter(funded.decision, programme_manager)
    Project.objects.all().delete()
    call_command("create_projects", stdout=StringIO())
    call_command("create_projects", stdout=StringIO())
    assert Project.objects.filter(decision=funded.decision).count() == 1


# Dates


def test_the_end_date_is_the_day_before_the_start_plus_the_duration(project, programme_manager):
    signed(project, programme_manager)
    project.refresh_from_db()
    assert project.signed_on == SIGNED
    assert project.start_date == SIGNED
    assert project.end_date == dt.date(2028, 3, 15)


def test_months_without_the_start_day_end_on_their_last_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 12, 1), 12) == dt.date(2028, 12, 1)


def test_no_end_date_before_the_agreement_gives_a_start_and_duration(project):
    assert project.end_date is None


def test_a_project_cannot_start_before_its_agreement_is_signed(project, programme_manager):
    with pytest.raises(ProjectError, match="signée"):
        services.sign_agreement(
            project,
            programme_manager,
            signed_on=SIGNED,
            start_date=SIGNED - dt.timedelta(days=1),
            duration_months=12,
        )
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_PREPARATION


# Moves: by state


def test_the_whole_life_of_a_project_is_in_its_history(project, programme_manager):
    running(project, programme_manager)
    services.suspend_project(project, programme_manager, "Porteur absent")
    project.refresh_from_db()
    assert project.state == ProjectState.SUSPENDED
    assert project.state_reason == "Porteur absent"
    services.resume_project(project, programme_manager, "Porteur de retour")
    paid_in_full(project, programme_manager)
    services.begin_closing(project, programme_manager)
    closure.close_project(project, programme_manager)
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSED
    assert project.state_reason == ""
    rows = trail(project.application, AuditSubject.PROJECT)
    assert [row.action for row in rows] == [
        "Projet créé",
        "Convention signée",
        "Projet démarré",
        "Projet suspendu",
        "Projet repris",
        "Échéancier enregistré",
        "Paiement enregistré",
        "Clôture commencée",
        "Projet clos",
    ]
    assert rows[3].reason == "Porteur absent"
    assert rows[3].to_state == "Suspendu"


@pytest.mark.parametrize(
    "move",
    [
        lambda p, s: services.start_project(p, s),
        lambda p, s: services.suspend_project(p, s, "Raison"),
        lambda p, s: services.resume_project(p, s, "Raison"),
        lambda p, s: services.begin_closing(p, s),
        lambda p, s: closure.close_project(p, s),
    ],
    ids=["start", "suspend", "resume", "begin_closing", "close"],
)
def test_a_move_from_agreement_preparation_other_than_signing_is_refused(
    move, project, programme_manager
):
    with pytest.raises(ProjectError):
        move(project, programme_manager)
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_PREPARATION
    assert len(trail(project.application, AuditSubject.PROJECT)) == 1


def test_an_agreement_is_signed_once(project, programme_manager):
    signed(project, programme_manager)
    with pytest.raises(ProjectError, match="convention signée"):
        signed(project, programme_manager)


def test_a_closed_or_terminated_project_moves_no_more(project, programme_manager):
    services.terminate_project(project, programme_manager, "Équipe dissoute")
    project.refresh_from_db()
    assert project.state == ProjectState.TERMINATED
    assert project.state_reason == "Équipe dissoute"
    for move in (services.start_project, services.begin_closing, closure.close_project):
        with pytest.raises(ProjectError):
            move(project, programme_manager)
    with pytest.raises(ProjectError):
        services.terminate_project(project, programme_manager, "Encore")


@pytest.mark.parametrize("reason", ["", "   "])
def test_suspending_or_terminating_needs_a_reason(reason, project, programme_manager):
    running(project, programme_manager)
    with pytest.raises(ProjectError, match="raison"):
        services.suspend_project(project, programme_manager, reason)
    with pytest.raises(ProjectError, match="raison"):
        services.terminate_project(project, programme_manager, reason)
    project.refresh_from_db()
    assert project.state == ProjectState.RUNNING


# Moves: by person


@pytest.mark.parametrize("persona", ["lead", "member", "council_member", "reviewer"])
def test_only_staff_move_a_project(persona, project, request):
    application = project.application
    people = {
        "lead": application.lead,
        "council_member": request.getfixturevalue("council_member"),
        "reviewer": request.getfixturevalue("reviewer"),
    }
    if persona == "member":
        people["member"] = request.getfixturevalue("other_applicant")
        joined_member(application, people["member"])
    with pytest.raises(ProjectError):
        signed(project, people[persona])
    with pytest.raises(ProjectError):
        services.terminate_project(project, people[persona], "Raison")
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_PREPARATION


def test_a_withdrawn_funding_stops_the_project_moving_forward_but_it_can_end(
    project, programme_manager
):
    decisions.withdraw_funding(project.application, programme_manager, "Le porteur renonce")
    with pytest.raises(ProjectError):
        signed(project, programme_manager)
    services.terminate_project(project, programme_manager, "Financement retiré")
    project.refresh_from_db()
    assert project.state == ProjectState.TERMINATED


# Rules: who reads


def test_who_reads_a_project(
    project, programme_manager, council_member, reviewer, other_applicant, applicant
):
    member = other_applicant
    joined_member(project.application, member)
    assert project.application.lead.has_perm("projects.open_project", project)
    assert member.has_perm("projects.open_project", project)
    assert programme_manager.has_perm("projects.open_project", project)
    assert council_member.has_perm("projects.open_project", project)
    assert not reviewer.has_perm("projects.open_project", project)
    assert not applicant.has_perm("projects.open_project", project)


def test_a_team_row_never_accepted_gives_no_access(project, other_applicant):
    TeamMemberFactory(application=project.application, email=other_applicant.email)
    assert not other_applicant.has_perm("projects.open_project", project)


def test_staff_set_the_carrier_and_its_finance_contact(project, programme_manager, applicant):
    carrier = InstitutionFactory(name="Université de Lorraine")
    with pytest.raises(ProjectError):
        services.set_carrier(
            project,
            project.application.lead,
            carrier=carrier,
            finance_contact_name="",
            finance_contact_email="",
        )
    services.set_carrier(
        project,
        programme_manager,
        carrier=carrier,
        finance_contact_name="Jeanne Compta",
        finance_contact_email="compta@example.org",
    )
    project.refresh_from_db()
    assert project.carrier == carrier
    assert project.finance_contact_email == "compta@example.org"
    assert (
        trail(project.application, AuditSubject.PROJECT)[-1].action
        == "Porteur administratif renseigné"
    )


def carrier_set(project, staff, carrier, contact=""):
    return services.set_carrier(
        project, staff, carrier=carrier, finance_contact_name=contact, finance_contact_email=""
    )


def signed_by_one_party(project, staff):
    version = AgreementVersion.objects.create(
        project=project,
        number=1,
        language="fr",
        title="Convention",
        body="…",
        pdf="projects/agreement-1.pdf",
        sha256="0" * 64,
        created_by=staff,
    )
    Signature.objects.create(
        version=version,
        party=Party.CARRIER,
        signer_name="Anne Présidente",
        signed_on=SIGNED,
        signed_copy="projects/signed.pdf",
        original_name="signed.pdf",
        size=10,
        sha256="1" * 64,
    )


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize("stage", ["signed_by_one_party", "agreement_signed"])
def test_once_the_agreement_is_being_signed_the_carrier_changes_only_by_amendment(
    stage, project, programme_manager
):
    first = InstitutionFactory(name="Université de Lorraine")
    carrier_set(project, programme_manager, first)
    if stage == "signed_by_one_party":
        signed_by_one_party(project, programme_manager)
    else:
        signed(project, programme_manager)
    with pytest.raises(ProjectError) as refused:
        carrier_set(project, programme_manager, InstitutionFactory(name="Université de Lyon"))
    assert "carrier-change amendment" in refused.value.problems["carrier"][0]
    carrier_set(project, programme_manager, first, contact="Jeanne Compta")  # the contact moves
    project.refresh_from_db()
    assert (project.carrier, project.finance_contact_name) == (first, "Jeanne Compta")


def test_nobody_sets_the_carrier_of_a_terminated_project(project, programme_manager):
    services.terminate_project(project, programme_manager, "Le porteur est parti.")
    project.refresh_from_db()
    assert not programme_manager.has_perm("projects.set_carrier", project)
    with pytest.raises(ProjectError):
        carrier_set(project, programme_manager, InstitutionFactory())
    assert Project.objects.get(pk=project.pk).carrier is None


# The demo


def test_the_demos_decided_call_has_one_project_per_funded_decision_and_loads_twice(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    funded = Decision.objects.filter(application__call__slug=DECIDED_CALL, outcome="funded")
    assert funded.exists()
    projects = Project.objects.filter(decision__application__call__slug=DECIDED_CALL)
    assert sorted(projects.values_list("decision", flat=True)) == sorted(
        funded.values_list("pk", flat=True)
    )
    assert {project.amount_granted for project in projects} == {
        decision.amount_granted for decision in funded
    }
