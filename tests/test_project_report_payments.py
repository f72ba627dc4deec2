"""Instalments paid on a report accepted or a deliverable declared (issue 18): the payment is
refused without an override until the condition is met, then paid without one; staff choose the
report in the schedule form, which refuses the condition without it (beside the field)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import payments, report_review
from projects.models import Condition, Deliverable

from .factories import CallFactory
from .reading import visible_text
from .test_project_report_review import funded_project, submitted_report

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 2)


@pytest.fixture
def project(programme_manager):
    return funded_project(programme_manager)


def one_instalment(project, staff, condition, report=None):
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": "Solde",
                "share": None,
                "amount": project.amount_granted,
                "planned_on": DAY,
                "condition": condition,
                "report": report.pk if report else None,
            }
        ],
        staff,
    )
    return project.instalments.get()


def pay(instalment, staff, reference, override_reason=""):
    return payments.record_payment(
        instalment,
        paid_on=DAY,
        amount=Decimal("1000"),
        reference=reference,
        actor=staff,
        override_reason=override_reason,
    )


def test_an_instalment_waits_for_its_report_then_is_paid_without_override(
    in_english, project, programme_manager
):
    report = submitted_report(project)
    instalment = one_instalment(project, programme_manager, Condition.REPORT_ACCEPTED, report)
    assert instalment.report == report

    with pytest.raises(payments.PaymentError) as refused:
        pay(instalment, programme_manager, "MDT-1")
    assert "is not met" in " ".join(refused.value.problems["override_reason"])
    assert not project.payments.exists()

    report_review.accept_report(report, programme_manager, submission_number=1)

    payment = pay(instalment, programme_manager, "MDT-1")
    assert payment.override_reason == ""


def test_another_report_accepted_does_not_meet_the_condition(project, programme_manager):
    awaited = submitted_report(project, title="Rapport final")
    other = submitted_report(project, title="Plan de gestion des données")
    instalment = one_instalment(project, programme_manager, Condition.REPORT_ACCEPTED, awaited)
    report_review.accept_report(other, programme_manager, submission_number=1)
    with pytest.raises(payments.PaymentError):
        pay(instalment, programme_manager, "MDT-1")


def test_a_report_of_another_project_cannot_be_awaited(in_english, project, programme_manager):
    elsewhere = submitted_report(funded_project(programme_manager, title="Autre projet"))
    with pytest.raises(payments.PaymentError) as refused:
        one_instalment(project, programme_manager, Condition.REPORT_ACCEPTED, elsewhere)
    assert "Choose one of the project's reports." in refused.value.problems["rows.0.report"]


def test_an_instalment_waits_for_a_deliverable_declared(project, programme_manager):
    instalment = one_instalment(project, programme_manager, Condition.DELIVERABLE_DECLARED)
    with pytest.raises(payments.PaymentError):
        pay(instalment, programme_manager, "MDT-1")

    Deliverable.objects.create(
        project=project,
        kind="dataset",
        title="Corpus numérisé",
        identifier_scheme="doi",
        identifier="10.5281/zenodo.1234",
        licence="etalab-2.0",
    )

    assert pay(instalment, programme_manager, "MDT-1").override_reason == ""


# The schedule form


def schedule_data(condition, report=""):
    return {
        "step": "schedule",
        "schedule-TOTAL_FORMS": "1",
        "schedule-INITIAL_FORMS": "0",
        "schedule-0-label": "Solde",
        "schedule-0-share": "100",
        "schedule-0-planned_on": "2026-04-01",
        "schedule-0-condition": condition,
        "schedule-0-report": report,
    }


def test_staff_choose_the_awaited_report_in_the_schedule_form(client, project, programme_manager):
    report = submitted_report(project, title="Rapport final scientifique")
    client.force_login(programme_manager)
    page = reverse("projects:project", args=[project.pk])
    assert "Rapport final scientifique" in visible_text(client.get(page))  # among the choices

    refused = client.post(page, schedule_data("report_accepted"))

    assert refused.status_code == 400
    text = visible_text(refused)
    assert "Choisissez le rapport dont l’acceptation conditionne cette échéance." in text
    assert not project.instalments.exists()

    saved = client.post(page, schedule_data("report_accepted", str(report.pk)))

    assert saved.status_code == 302
    assert project.instalments.get().report == report
    text = visible_text(client.get(page))
    assert "Rapport accepté Rapport final scientifique" in text


def test_a_project_owing_no_report_keeps_the_condition_with_an_override(client, programme_manager):
    project = funded_project(programme_manager, call=CallFactory(closed=True))
    client.force_login(programme_manager)
    page = reverse("projects:project", args=[project.pk])
    saved = client.post(page, schedule_data("report_accepted"))
    assert saved.status_code == 302
    assert project.instalments.get().report is None
