"""Team rows and budget lines: without a script a save brings a new blank row; what the page
posts after rows were added or removed in it (static/js/rows.js) is saved as the page shows it;
the budget's totals by category. The script itself is checked in tests/e2e/test_draft_page.py.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from .factories import ApplicationFactory, CallFactory
from .reading import text_of, visible_text
from .test_applicant_journey import BUDGET, QUESTIONS, TEAM, draft_data, en

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return CallFactory(questions=QUESTIONS)


def test_without_script_a_saved_row_brings_a_new_blank_one(client, applicant, call, in_english):
    application = ApplicationFactory(call=call, lead=applicant)
    client.force_login(applicant)

    client.post(en("applications:edit", application.pk), draft_data(1, team=TEAM, budget=BUDGET))

    response = client.get(en("applications:edit", application.pk))
    page = text_of(response)
    assert 'name="team-TOTAL_FORMS" value="3"' in page  # two saved members, one blank row
    assert 'name="team-2-name"' in page and "Add a member" in page
    assert 'name="budget-2-description"' in page and "Add a line" in page
    # The script's copy of an empty row and its button are there, hidden until it runs.
    assert (
        "<template data-empty-row>" in page and 'name="budget-__prefix__-amount_requested"' in page
    )
    assert "data-add-row hidden>Add another line" in page
    # Totals by category and overall, from the saved lines.
    totals = visible_text(response)
    totals = totals[totals.index("Budget totals") :]
    assert "Staff €12,500.50 €1,000 Equipment €7,500 €0" in totals
    assert '<tr data-category="services" hidden>' in page  # no line: not shown
    assert "Total €20,000.50 €1,000" in totals


def test_rows_added_by_the_script_are_saved_and_a_removed_one_is_not(client, applicant, call):
    """What the page posts after two rows were added and one of them removed in the page: the
    indexes have a hole, which the formset reads as a blank row."""
    application = ApplicationFactory(call=call, lead=applicant)
    client.force_login(applicant)
    data = draft_data(1, budget=BUDGET)
    data["budget-TOTAL_FORMS"] = "5"  # 0, 1 saved; 2 the blank row; 3 removed; 4 added
    data |= {"budget-4-category": "travel", "budget-4-description": "Missions"}
    data |= {"budget-4-amount_requested": "1 000,50", "budget-4-cofunding": ""}

    response = client.post(reverse("applications:edit", args=[application.pk]), data)

    assert response.status_code == 302
    lines = list(application.budget_lines.values_list("description", "amount_requested"))
    assert lines == [
        ("Vacations", Decimal("12500.50")),
        ("Scanner", Decimal("7500")),
        ("Missions", Decimal("1000.50")),
    ]
