"""The payment schedule in a real browser, in French and in English: staff add an instalment
row without a save (static/js/rows.js), set 70 % / 30 % of the amount granted, then record a
payment whose condition is not met, refused beside the override reason and then accepted. And
the whole path from a funded decision to a first payment: the carrier, the schedule, the
agreement prepared and signed by both parties with their signed copies, the first instalment
paid without an override.

Every page is screenshot and checked by axe-core (WCAG 2.1 A and AA) and at a phone's width;
the second journey's pages by the Nu HTML checker too.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

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


# From a funded decision to a first payment (issue 17): the carrier, the schedule, the agreement
# prepared and signed by both parties, then the first instalment paid, its condition met.

SIGNERS = [
    ("carrier", "Hélène Martin", "Présidente de l'université"),
    ("network", "Claire Vasseur", "Directrice de CollEx-Persée"),
]


@pytest.fixture
def signing_project(staff):
    call = CallFactory(closed=True, project_duration_months=24, duration_from_signature=True)
    application = decided_application(
        call, amount=Decimal("40000.00"), application={"title": "Cartes anciennes"}
    )
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


def html_problems(pages, folder):
    """The Nu HTML checker's errors and warnings on each page's HTML (its notes that a date
    field is not supported in every browser aside), one Java run for all."""
    from tests.e2e.test_html_validity import run_checker

    for number, (_step, html) in enumerate(pages):
        (folder / f"page-{number:02d}.html").write_text(html, encoding="utf-8")
    return [
        f"{pages[int(message['url'].rsplit('-', 1)[1][:2])][0]}: {message['message']}"
        for message in run_checker(folder)
        if message["type"] == "error"
        or message.get("subType") in ("fatal", "warning")
        and "is not supported in all browsers" not in message["message"]
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_staff_go_from_a_funded_decision_to_a_first_payment(
    personas, axe_report, staff, signing_project, language, tmp_path
):
    from demo.projects import tiny_pdf
    from projects.models import ProjectState
    from tests.factories import InstitutionFactory

    project = signing_project
    carrier = InstitutionFactory(name="Université de Lille", acronym="ULille")
    manager = personas("first-payment", language)
    pages = []

    def see(step):
        manager.see(step)
        pages.append((step, manager.page.content()))

    manager.sign_in(staff)
    with translation.override(language):
        manager.goto(reverse("projects:project", args=[project.pk]))
    page = manager.page
    expect(page.locator(".no-agreement")).to_be_visible()
    see("project in preparation")

    # The carrier and its finance contact.
    form = page.locator("#carrier form")
    form.locator("[name=carrier-carrier]").select_option(str(carrier.pk))
    form.locator("[name=carrier-finance_contact_name]").fill("Agence comptable")
    form.locator("[name=carrier-finance_contact_email]").fill("agence.comptable@example.org")
    form.get_by_role("button", name=t(language, "Save the carrier")).click()
    expect(page.locator("dd.carrier")).to_contain_text("Université de Lille")

    # 70 % at signature, 30 % on the final report: the agreement states the schedule.
    schedule = page.locator("#edit-schedule")
    for index, (label, share, condition) in enumerate(
        [("Signature", "70", "agreement_signed"), ("Rapport final", "30", "report_accepted")]
    ):
        row = schedule.locator("fieldset.schedule-row").nth(index)
        row.locator("[name$=-label]").fill(label)
        row.locator("[name$=-share]").fill(share)
        row.locator("[name$=-planned_on]").fill("2027-01-15")
        row.locator("[name$=-condition]").select_option(condition)
    schedule.get_by_role("button", name=t(language, "Save the schedule")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        t(language, "The payment schedule is saved.")
    )
    see("carrier and schedule set")

    # The agreement, prepared from the call's template: 24 months from the signature.
    prepare = page.locator("#prepare-agreement form")
    expect(prepare.locator("[name=agreement-duration_months]")).to_have_value("24")
    prepare.get_by_role("button", name=t(language, "Prepare the agreement")).click()
    expect(page.locator("#agreement-version-1")).to_contain_text(t(language, "Not signed yet"))
    see("agreement prepared")

    # Both signatures, each with its signed copy (a PDF, checked by its content).
    today = timezone.localdate().isoformat()
    for party, name, role in SIGNERS:
        signing = page.locator("#record-signature form")
        signing.locator("[name=signature-party]").select_option(party)
        signing.locator("[name=signature-signer_name]").fill(name)
        signing.locator("[name=signature-signer_role]").fill(role)
        signing.locator("[name=signature-signed_on]").fill(today)
        signing.locator("[name=signature-signed_copy]").set_input_files(
            files=[
                {
                    "name": f"convention-{party}.pdf",
                    "mimeType": "application/pdf",
                    "buffer": tiny_pdf([f"Signé par {name}"]),
                }
            ]
        )
        signing.get_by_role("button", name=t(language, "Record the signature")).click()
        expect(page.locator(".alert-success")).to_contain_text(
            t(language, "The signature is recorded.")
        )
        see(f"signed by {party}")
    expect(page.locator("#agreement-version-1 .version-state")).to_have_text(
        t(language, "Signed by both parties")
    )
    expect(page.locator(".project-state")).to_have_text(t(language, "Agreement signed"))

    # The first instalment, its condition met: no override asked.
    payment = page.locator("#payment")
    payment.locator("[name=payment-paid_on]").fill(today)
    payment.locator("[name=payment-amount]").fill("28000")
    payment.locator("[name=payment-reference]").fill("ULILLE-2027-001")
    payment.get_by_role("button", name=t(language, "Record the payment")).click()
    expect(page.locator(".alert-success")).to_contain_text(t(language, "The payment is recorded."))
    expect(page.locator("table.payments tr.payment")).to_have_count(1)
    see("first payment recorded")

    paid = Payment.objects.get()
    assert (paid.amount, paid.override_reason) == (Decimal("28000.00"), "")
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_SIGNED and project.duration_months == 24
    assert project.agreement_versions.get().signatures.count() == 2
    axe_report.assert_clean()
    assert html_problems(pages, tmp_path) == []
