"""The financial statement's budget (issue 18): the "granted" column is the amount granted per
budget category, not the budget asked: the latest accepted reallocation's amounts, else the
budget asked, scaled pro rata to the amount granted when they do not add up to it (a grant
lower than asked, money given back), to the cent; the page says which, and adds up the
columns."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from decisions.letters import send_letter
from projects import services
from projects.amendments import accept_amendment, ask_amendment
from projects.models import Project
from projects.report_receipts import render_receipt
from projects.report_spending import granted_by_category, pro_rata
from projects.reports import submit_report

from .factories import (
    BudgetLineFactory,
    CallFactory,
    CallReportFactory,
    InstitutionFactory,
    decided_application,
)
from .reading import visible_text
from .test_project_reports import pdftotext


@pytest.fixture
def call(db):
    call = CallFactory(closed=True)
    CallReportFactory(
        call=call,
        kind="final_financial",
        title_fr="État des dépenses",
        due_months=2,
        due_from="end",
        questions=[],
    )
    return call


def funded_project(call, staff, *, granted, asked):
    """A signed project granted `granted`, whose application asked `asked` {category: amount}
    (the factory's application already asks 10,000 for staff)."""
    application = decided_application(call, amount=granted)
    for category, amount in asked.items():
        extra = amount - (Decimal(10000) if category == "staff" else 0)
        if extra:
            BudgetLineFactory(application=application, category=category, amount_requested=extra)
    send_letter(application.decision, staff)
    project = Project.objects.get(decision=application.decision)
    services.set_carrier(
        project,
        staff,
        carrier=InstitutionFactory(),
        finance_contact_name="",
        finance_contact_email="",
    )
    start = dt.date(2026, 4, 1)
    return services.sign_agreement(
        project, staff, signed_on=start, start_date=start, duration_months=24
    )


def amended(project, staff, **values):
    amendment = ask_amendment(project, staff, justification="Comité du 3 mars.", **values)
    accept_amendment(amendment, staff, "Accordé.")
    project.refresh_from_db()
    return project


def plain(text):
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_grant_lower_than_asked_is_shared_in_proportion_to_the_budget_asked(
    client, call, programme_manager
):
    project = funded_project(
        call,
        programme_manager,
        granted=Decimal(25000),
        asked={"staff": Decimal(30000), "travel": Decimal(10000)},
    )
    assert granted_by_category(project) == {
        "staff": Decimal("18750.00"),
        "travel": Decimal("6250.00"),
    }
    client.force_login(project.decision.application.lead)
    report = project.reports.get(kind="final_financial")
    page = plain(visible_text(client.get(reverse("projects:report", args=[project.pk, report.pk]))))
    assert "18 750,00 €" in page and "6 250,00 €" in page
    assert "30 000,00 €" not in page and "40 000,00 €" not in page
    assert "le budget demandé, en proportion du montant accordé" in page


def test_money_given_back_lowers_each_category_in_proportion(call, programme_manager):
    project = funded_project(
        call,
        programme_manager,
        granted=Decimal(15000),
        asked={"staff": Decimal(10000), "travel": Decimal(5000)},
    )
    amended(project, programme_manager, kind="give_back", amount=Decimal(3000))
    assert project.amount_granted == Decimal(12000)
    assert granted_by_category(project) == {
        "staff": Decimal("8000.00"),
        "travel": Decimal("4000.00"),
    }


def test_a_reallocation_is_the_base_and_follows_money_given_back_later(
    client, call, programme_manager
):
    project = funded_project(
        call,
        programme_manager,
        granted=Decimal(15000),
        asked={"staff": Decimal(10000), "travel": Decimal(5000)},
    )
    amended(
        project,
        programme_manager,
        kind="reallocation",
        reallocation={"staff": Decimal(14000), "travel": Decimal(1000)},
    )
    assert granted_by_category(project) == {"staff": Decimal(14000), "travel": Decimal(1000)}
    amended(project, programme_manager, kind="give_back", amount=Decimal(3000))
    assert granted_by_category(project) == {
        "staff": Decimal("11200.00"),
        "travel": Decimal("800.00"),
    }
    client.force_login(project.decision.application.lead)
    report = project.reports.get(kind="final_financial")
    page = plain(visible_text(client.get(reverse("projects:report", args=[project.pk, report.pk]))))
    assert "la réallocation acceptée" in page


def test_the_rounding_remainder_goes_to_the_largest_category_and_the_sum_is_exact():
    shares = pro_rata(
        {"staff": Decimal(1), "travel": Decimal(1), "equipment": Decimal(2)}, Decimal(100)
    )
    assert shares == {
        "staff": Decimal("25.00"),
        "travel": Decimal("25.00"),
        "equipment": Decimal("50.00"),
    }
    shares = pro_rata({"staff": Decimal(1), "travel": Decimal(2)}, Decimal(100))
    assert shares == {"staff": Decimal("33.33"), "travel": Decimal("66.67")}
    shares = pro_rata(
        {"staff": Decimal(1), "travel": Decimal(1), "other": Decimal(1)}, Decimal(100)
    )
    assert shares == {
        "staff": Decimal("33.34"),
        "travel": Decimal("33.33"),
        "other": Decimal("33.33"),
    }


def test_the_statement_and_its_receipt_add_up_granted_spent_and_remaining(
    client, call, programme_manager
):
    project = funded_project(
        call,
        programme_manager,
        granted=Decimal(15000),
        asked={"staff": Decimal(10000), "travel": Decimal(5000)},
    )
    report = project.reports.get(kind="final_financial")
    lead = project.decision.application.lead
    client.force_login(lead)
    page_url = reverse("projects:report", args=[project.pk, report.pk])
    client.post(page_url, {"version": "1", "spending_staff": "9 800,50", "spending_travel": "120"})
    page = plain(visible_text(client.get(page_url)))
    assert "Total 15 000,00 € 9 920,50 € 5 079,50 €" in page
    submission = submit_report(report, lead)
    receipt = pdftotext(render_receipt(submission, "fr"))
    assert "120,00 € 4 880,00 € 15 000,00 € 9 920,50 € 5 079,50 € Total" in receipt
