"""A funded project's payment schedule and payments (issue 17): instalments that add up to the
amount granted to the cent, shares turned into amounts, payments never over what remains, each
accounting reference once, a condition not met only with an override and its audit row, nothing
after termination; the schedule on the project page per persona, and its query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from applications.audit import trail
from applications.models import AuditSubject
from decisions.letters import send_letter
from decisions.models import Outcome
from decisions.services import DecisionError, withdraw_funding
from projects import payments, services
from projects.models import Condition, Instalment, Payment, Project
from projects.payments import PaymentError

from .factories import CallFactory, decided_application
from .reading import visible_text

SIGNED = dt.date(2026, 3, 16)
LATER = dt.date(2027, 9, 1)


def funded_project(staff, amount=Decimal("58400.01"), title="Corpus des thèses"):
    application = decided_application(
        CallFactory(closed=True), amount=amount, application={"title": title}
    )
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


@pytest.fixture
def project(programme_manager):
    return funded_project(programme_manager)


def row(label, *, share=None, amount=None, planned_on=SIGNED, condition=Condition.NONE, pk=None):
    return {
        "instalment": pk,
        "label": label,
        "share": share,
        "amount": amount,
        "planned_on": planned_on,
        "condition": condition,
    }


def seventy_thirty(project, staff):
    """70 % at signature, 30 % on the accepted final report."""
    payments.set_schedule(
        project,
        [
            row("À la signature", share=Decimal("70"), condition=Condition.AGREEMENT_SIGNED),
            row("Rapport final", share=Decimal("30"), condition=Condition.REPORT_ACCEPTED),
        ],
        staff,
    )
    return list(project.instalments.all())


def pay(instalment, staff, amount, reference="MDT-2026-0001", **kwargs):
    return payments.record_payment(
        instalment,
        paid_on=SIGNED,
        amount=Decimal(amount),
        reference=reference,
        actor=staff,
        **kwargs,
    )


def signed(project, staff):
    return services.sign_agreement(
        project, staff, signed_on=SIGNED, start_date=SIGNED, duration_months=24
    )


def actions(project):
    return [item.action for item in trail(project.application, AuditSubject.PROJECT)]


# The schedule


def test_shares_become_amounts_to_the_cent_that_add_up_exactly(project, programme_manager):
    first, last = seventy_thirty(project, programme_manager)
    assert (first.amount, last.amount) == (Decimal("40880.01"), Decimal("17520.00"))
    assert first.amount + last.amount == project.amount_granted
    assert first.share == Decimal("70") and first.position == 1
    assert "Échéancier enregistré" in actions(project)


def test_the_last_share_takes_the_remainder_of_the_rounding(programme_manager):
    project = funded_project(programme_manager, amount=Decimal("100.01"))
    payments.set_schedule(
        project, [row("A", share=Decimal("50")), row("B", share=Decimal("50"))], programme_manager
    )
    assert [item.amount for item in project.instalments.all()] == [
        Decimal("50.01"),
        Decimal("50.00"),
    ]


def test_amounts_and_shares_mixed_add_up(programme_manager):
    project = funded_project(programme_manager, amount=Decimal("10000.00"))
    payments.set_schedule(
        project,
        [row("Avance", amount=Decimal("2500")), row("Solde", share=Decimal("75"))],
        programme_manager,
    )
    assert [item.amount for item in project.instalments.all()] == [
        Decimal("2500.00"),
        Decimal("7500.00"),
    ]


@pytest.mark.parametrize("second", [Decimal("17520.00"), Decimal("17519.99"), Decimal("18000")])
def test_instalments_that_do_not_add_up_are_refused_even_by_one_cent(
    second, project, programme_manager
):
    with pytest.raises(PaymentError) as refused:
        payments.set_schedule(
            project,
            [row("Avance", amount=Decimal("40880.00")), row("Solde", amount=second)],
            programme_manager,
        )
    assert "le montant accordé est de 58\u00a0400,01\u00a0€" in refused.value.messages[0]
    assert not project.instalments.exists()


def test_a_share_over_100_and_a_missing_date_are_refused_beside_their_row(
    project, programme_manager
):
    with pytest.raises(PaymentError) as refused:
        payments.set_schedule(
            project,
            [
                row("Avance", share=Decimal("120")),
                row("Solde", share=Decimal("30"), planned_on=None),
            ],
            programme_manager,
        )
    assert set(refused.value.problems) == {"rows.0.share", "rows.1.planned_on"}


def test_a_new_schedule_replaces_the_old_but_keeps_a_paid_instalment(project, programme_manager):
    first, last = seventy_thirty(project, programme_manager)
    pay(first, programme_manager, "1000", override_reason="Avance urgente")
    with pytest.raises(PaymentError) as refused:
        payments.set_schedule(
            project, [row("Tout", amount=project.amount_granted)], programme_manager
        )
    assert "un paiement y a été enregistré" in refused.value.messages[0]
    payments.set_schedule(
        project,
        [
            row("Première tranche", amount=Decimal("30000.01"), pk=first.pk),
            row("Deuxième", amount=Decimal("20000")),
            row("Solde", amount=Decimal("8400")),
        ],
        programme_manager,
    )
    assert list(project.instalments.values_list("label", "position")) == [
        ("Première tranche", 1),
        ("Deuxième", 2),
        ("Solde", 3),
    ]
    assert Payment.objects.get().instalment_id == first.pk


# Payments


def test_a_payment_over_what_remains_is_refused(project, programme_manager):
    first, last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    pay(first, programme_manager, "40880.01")
    with pytest.raises(PaymentError) as refused:
        pay(last, programme_manager, "17520.01", "MDT-2", override_reason="Rapport reçu")
    assert refused.value.problems["amount"] == [
        "Il ne reste que 17\u00a0520,00\u00a0€ à payer sur ce projet."
    ]
    pay(last, programme_manager, "17520.00", "MDT-2", override_reason="Rapport reçu")
    assert payments.paid_on_project(project) == project.amount_granted


def test_a_payment_over_what_remains_of_its_instalment_is_refused(project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    pay(first, programme_manager, "40000.00")
    with pytest.raises(PaymentError) as refused:
        pay(first, programme_manager, "880.02", "MDT-2")
    assert refused.value.problems["amount"] == [
        "Il ne reste que 880,01\u00a0€ à payer sur l’échéance «\u00a0À la signature\u00a0»."
    ]
    pay(first, programme_manager, "880.01", "MDT-2")
    assert payments.paid_per_instalment(project)[first.pk] == first.amount


def test_a_payment_over_its_instalment_is_shown_beside_the_amount(
    client, project, programme_manager
):
    first, _last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    client.force_login(programme_manager)
    response = client.post(
        page_of(project),
        {
            "step": "payment",
            "payment-instalment": first.pk,
            "payment-paid_on": "2026-04-02",
            "payment-amount": "50 000,00",
            "payment-reference": "MDT-77",
            "payment-override_reason": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_payment-amount"' in page and 'aria-invalid="true"' in page
    assert "Il ne reste que 40 880,01 € à payer sur l’échéance" in visible_text(response)
    assert not Payment.objects.exists()


def test_funding_with_payments_cannot_be_withdrawn(project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    pay(first, programme_manager, "1000.00")
    with translation.override("en"), pytest.raises(DecisionError) as refused:
        withdraw_funding(project.application, programme_manager, "Le porteur est parti.")
    assert "give back the unpaid remainder through an amendment" in str(refused.value)
    project.decision.refresh_from_db()
    assert project.decision.outcome == Outcome.FUNDED


def test_funding_without_payments_can_still_be_withdrawn(project, programme_manager):
    seventy_thirty(project, programme_manager)
    withdraw_funding(project.application, programme_manager, "Le porteur est parti.")
    project.decision.refresh_from_db()
    assert project.decision.outcome == Outcome.WITHDRAWN


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_payment_of_nothing_is_refused(amount, project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    with pytest.raises(PaymentError) as refused:
        pay(first, programme_manager, amount)
    assert "amount" in refused.value.problems


def test_the_same_reference_twice_is_refused(project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    pay(first, programme_manager, "100")
    with pytest.raises(PaymentError) as refused:
        pay(first, programme_manager, "200")
    assert refused.value.problems["reference"] == [
        "Un paiement portant cette référence est déjà enregistré."
    ]
    assert Payment.objects.count() == 1


def test_a_payment_before_its_condition_needs_an_override_with_its_audit_row(
    project, programme_manager
):
    first, _last = seventy_thirty(project, programme_manager)
    with pytest.raises(PaymentError) as refused:
        pay(first, programme_manager, "40880.01")
    assert "Convention signée" in refused.value.problems["override_reason"][0]
    assert not Payment.objects.exists()
    payment = pay(first, programme_manager, "40880.01", override_reason="Avance votée en CA")
    assert payment.override_reason == "Avance votée en CA"
    rows = trail(project.application, AuditSubject.PROJECT)
    assert [row.action for row in rows][-2:] == [
        "Paiement enregistré",
        "Paiement effectué sans sa condition",
    ]
    assert rows[-1].reason == "Avance votée en CA"
    assert "MDT-2026-0001" in rows[-2].reason


def test_a_signed_agreement_meets_its_condition(project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    payment = pay(first, programme_manager, "40880.01")
    assert payment.override_reason == ""
    assert "Paiement effectué sans sa condition" not in actions(project)


def test_a_report_condition_is_never_met_yet(project, programme_manager):
    _first, last = seventy_thirty(project, programme_manager)
    signed(project, programme_manager)
    with pytest.raises(PaymentError):
        pay(last, programme_manager, "100")


def test_nothing_moves_after_termination(project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    services.terminate_project(project, programme_manager, "Équipe dissoute")
    with pytest.raises(PaymentError):
        pay(first, programme_manager, "100", override_reason="Quand même")
    with pytest.raises(PaymentError):
        payments.set_schedule(
            project, [row("Tout", amount=project.amount_granted)], programme_manager
        )
    assert not Payment.objects.exists()


def test_only_staff_record_a_payment(project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    with pytest.raises(PaymentError):
        pay(first, project.application.lead, "100", override_reason="Moi")


# The page


def page_of(project):
    return reverse("projects:project", args=[project.pk])


def test_staff_see_the_schedule_and_its_forms(client, project, programme_manager):
    seventy_thirty(project, programme_manager)
    client.force_login(programme_manager)
    response = client.get(page_of(project))
    text = visible_text(response)
    assert "Échéancier" in text
    # Two instalments and two blank rows, and the rows script to add more in the page.
    page = response.content.decode()
    assert page.count('class="border rounded p-3 mb-3 schedule-row"') == 5  # and the template
    assert "js/rows.js" in page and 'name="schedule-TOTAL_FORMS" value="4"' in page
    assert "1. À la signature 70,0 % 40 880,01 €" in text
    assert "2. Rapport final 30,0 % 17 520 € 16 mars 2026 Rapport accepté" in text
    assert "Reste à payer 58 400,01 €" in text
    assert "Enregistrer l’échéancier" in text and "Enregistrer le paiement" in text


def test_staff_set_the_schedule_from_the_page_and_a_wrong_sum_is_shown(
    client, project, programme_manager
):
    client.force_login(programme_manager)
    data = {
        "step": "schedule",
        "schedule-TOTAL_FORMS": "2",
        "schedule-INITIAL_FORMS": "0",
        "schedule-0-label": "Avance",
        "schedule-0-share": "70",
        "schedule-0-planned_on": "2026-04-01",
        "schedule-0-condition": "agreement_signed",
        "schedule-1-label": "Solde",
        "schedule-1-amount": "17 520,00",
        "schedule-1-planned_on": "",
        "schedule-1-condition": "none",
    }
    response = client.post(page_of(project), data)
    assert response.status_code == 400
    assert "Indiquez la date prévue." in visible_text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    data["schedule-1-planned_on"] = "2027-09-01"
    data["schedule-1-amount"] = "17 519,98"
    response = client.post(page_of(project), data)
    assert "Les échéances totalisent 58 399,99 €" in visible_text(response)
    data["schedule-1-amount"] = "17 520,00"
    response = client.post(page_of(project), data, follow=True)
    assert "L’échéancier de paiement est enregistré." in visible_text(response)
    assert [item.amount for item in project.instalments.all()] == [
        Decimal("40880.01"),
        Decimal("17520.00"),
    ]


def test_a_payment_without_its_condition_is_refused_beside_the_reason_then_overridden(
    client, project, programme_manager
):
    first, _last = seventy_thirty(project, programme_manager)
    client.force_login(programme_manager)
    data = {
        "step": "payment",
        "payment-instalment": first.pk,
        "payment-paid_on": "2026-04-02",
        "payment-amount": "40 880,01",
        "payment-reference": "MDT-77",
        "payment-override_reason": "",
    }
    response = client.post(page_of(project), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_payment-override_reason"' in page and 'aria-invalid="true"' in page
    assert "n’est pas remplie" in visible_text(response)
    data["payment-override_reason"] = "Avance votée"
    text = visible_text(client.post(page_of(project), data, follow=True))
    assert "Le paiement est enregistré." in text
    assert "Payé 40 880,01 €" in text
    assert "Payé sans sa condition : Avance votée" in text


def test_staff_pay_the_second_instalment_from_the_page(client, project, programme_manager):
    """Not only the first instalment of the list: choosing the second one was a server error."""
    first, last = seventy_thirty(project, programme_manager)
    pay(first, programme_manager, "40880.01", override_reason="Avance")
    client.force_login(programme_manager)
    data = {
        "step": "payment",
        "payment-instalment": last.pk,
        "payment-paid_on": "2027-09-02",
        "payment-amount": "17 520,00",
        "payment-reference": "MDT-78",
        "payment-override_reason": "Rapport reçu",
    }
    text = visible_text(client.post(page_of(project), data, follow=True))
    assert "Le paiement est enregistré." in text
    assert Payment.objects.get(reference="MDT-78").instalment == last


def test_the_lead_reads_the_schedule_and_payments_without_forms(client, project, programme_manager):
    first, _last = seventy_thirty(project, programme_manager)
    pay(first, programme_manager, "1000", override_reason="Avance")
    client.force_login(project.application.lead)
    response = client.get(page_of(project))
    text = visible_text(response)
    assert "À la signature" in text and "MDT-2026-0001" in text
    assert "Reste à payer 57 400,01 €" in text
    assert "Enregistrer le paiement" not in text and "schedule-TOTAL_FORMS" not in (
        response.content.decode()
    )
    response = client.post(page_of(project), {"step": "payment"})
    assert response.status_code == 404


def test_a_reviewer_gets_a_404(client, project, programme_manager, reviewer):
    seventy_thirty(project, programme_manager)
    client.force_login(reviewer)
    assert client.get(page_of(project)).status_code == 404
    assert client.post(page_of(project), {"step": "schedule"}).status_code == 404


def test_after_termination_staff_see_no_forms_and_a_payment_is_refused(
    client, project, programme_manager
):
    first, _last = seventy_thirty(project, programme_manager)
    services.terminate_project(project, programme_manager, "Abandon")
    client.force_login(programme_manager)
    assert "Enregistrer le paiement" not in visible_text(client.get(page_of(project)))
    response = client.post(
        page_of(project),
        {
            "step": "payment",
            "payment-instalment": first.pk,
            "payment-paid_on": "2026-04-02",
            "payment-amount": "100",
            "payment-reference": "MDT-9",
            "payment-override_reason": "Quand même",
        },
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_the_schedule_reads_in_english(client, project, programme_manager):
    seventy_thirty(project, programme_manager)
    client.force_login(programme_manager)
    with translation.override("en"):
        url = page_of(project)
    text = visible_text(client.get(url))
    assert "Payment schedule" in text and "€40,880.01" in text and "Record the payment" in text


@pytest.mark.parametrize("count", [2, 6])
def test_the_project_page_costs_the_same_whatever_the_schedule(
    client, programme_manager, django_assert_num_queries, count
):
    project = funded_project(programme_manager, amount=Decimal("6000.00"))
    each = Decimal("6000.00") / count
    payments.set_schedule(
        project, [row(f"Tranche {n}", amount=each) for n in range(count)], programme_manager
    )
    for number, instalment in enumerate(project.instalments.all()):
        pay(instalment, programme_manager, "10", f"MDT-{number}")
    client.force_login(programme_manager)
    client.get(page_of(project))  # the session and the permissions cached
    # 12, and one each for the agreement's versions, the amendments, the deliverables, the
    # reports (their section) and the reports an instalment may wait for (the schedule's form).
    with django_assert_num_queries(17):
        response = client.get(page_of(project))
    assert response.content.decode().count('class="instalment"') == count
    assert response.content.decode().count('class="payment"') == count
    assert Instalment.objects.count() == count
