"""The payment schedule in a real browser, in French and in English: staff add an instalment
row without a save (static/js/rows.js), set 70 % / 30 % of the amount granted, then record a
payment whose condition is not met, refused beside the override reason and then accepted.

Every page is screenshot and checked by axe-core (WCAG 2.1 A and AA) and at a phone's width.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from decisions.letters import send_letter
from projects.models import Payment, Project
from tests.factories import CallFactory, decided_application

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

TYPED_SHARE = {"fr": "30,5", "en": "30.5"}


def t(language, msgid):
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.fixture
def project(staff):
    application = decided_application(
        CallFactory(closed=True), amount=Decimal("58400.01"), application={"title": "Corpus"}
    )
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_staff_set_the_schedule_and_record_a_first_payment(
    personas, axe_report, staff, project, language
):
    manager = personas("schedule", language)
    manager.sign_in(staff)
    with translation.override(language):
        url = reverse("projects:project", args=[project.pk])
    manager.goto(url)
    page = manager.page
    form = page.locator("#edit-schedule")
    rows = form.locator("fieldset.schedule-row")
    expect(rows).to_have_count(2)
    form.get_by_role("button", name=t(language, "Add another instalment")).click()
    expect(form.locator("[data-rows-status]")).to_have_text(t(language, "Instalment added."))
    expect(rows).to_have_count(3)
    # Three rows filled: 69.5 %, 30.5 % and a third left blank (ignored).
    for index, (label, share, condition) in enumerate(
        [
            ("Signature", "69,5" if language == "fr" else "69.5", "agreement_signed"),
            ("Rapport final", TYPED_SHARE[language], "report_accepted"),
        ]
    ):
        row = rows.nth(index)
        row.locator("[name$=-label]").fill(label)
        row.locator("[name$=-share]").fill(share)
        row.locator("[name$=-planned_on]").fill("2026-04-01")
        row.locator("[name$=-condition]").select_option(condition)
    manager.see("schedule filled")
    form.get_by_role("button", name=t(language, "Save the schedule")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        t(language, "The payment schedule is saved.")
    )
    expect(page.locator("table.instalments tr.instalment")).to_have_count(2)
    amounts = list(project.instalments.values_list("amount", flat=True))
    assert amounts == [Decimal("40588.01"), Decimal("17812.00")]

    payment = page.locator("#payment")
    payment.locator("[name=payment-paid_on]").fill("2026-04-02")
    payment.locator("[name=payment-amount]").fill("1000")
    payment.locator("[name=payment-reference]").fill("MDT-1")
    payment.get_by_role("button", name=t(language, "Record the payment")).click()
    reason = page.locator("#id_payment-override_reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()  # static/js/errors.js
    # The page of refusal says so in its status, which the console reports: expected here.
    manager.errors[:] = [error for error in manager.errors if "status of 400" not in error]
    manager.see("payment refused")
    reason.fill("Avance votée")
    page.locator("#payment").get_by_role("button", name=t(language, "Record the payment")).click()
    expect(page.locator(".alert-success")).to_contain_text(t(language, "The payment is recorded."))
    expect(page.locator("table.payments tr.payment")).to_have_count(1)
    manager.see("payment recorded")
    assert Payment.objects.get().override_reason == "Avance votée"
    axe_report.assert_clean()
