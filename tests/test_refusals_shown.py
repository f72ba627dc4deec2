"""What a page refused is shown where the person is looking (RGAA 11.10, 11.11): beside the
field, the field marked invalid and described by its message, a summary at the top linking to
each field; numbers in the page's language. The focus and the scroll are the browser's part
(tests/e2e/test_refusals.py)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    CallCriterionFactory,
    CallFactory,
    TeamMemberFactory,
    in_review_application,
)
from .reading import flat, text_of

pytestmark = pytest.mark.django_db


def url(name, *args, language="fr"):
    with translation.override(language):
        return reverse(name, args=args)


def tag(page, element_id):
    """The opening tag of the element with this id."""
    return re.search(rf'<(?:input|textarea|select)[^>]*id="{re.escape(element_id)}"[^>]*>', page)[0]


def summary_of(page):
    return re.search(r'<div class="alert alert-danger error-summary.*?</div>', page, re.S)[0]


@pytest.fixture
def over_budget(applicant):
    application = ApplicationFactory(call=CallFactory(), lead=applicant, title="Projet")
    TeamMemberFactory(application=application, role="researcher", is_lead=True)
    BudgetLineFactory(application=application, amount_requested=Decimal("45000"))
    BudgetLineFactory(application=application, amount_requested=Decimal("30000"))
    return application


def test_a_budget_over_the_maximum_marks_the_amounts_themselves(client, applicant, over_budget):
    client.force_login(applicant)

    response = client.post(url("applications:submit", over_budget.pk))

    assert response.status_code == 400
    page = text_of(response)
    first, second = (
        tag(page, "id_budget-0-amount_requested"),
        tag(page, "id_budget-1-amount_requested"),
    )
    for amount in (first, second):
        assert 'aria-invalid="true"' in amount and 'aria-describedby="budget-problems"' in amount
        assert "is-invalid" in amount
    assert "aria-invalid" not in tag(page, "id_budget-1-cofunding")
    problem = re.search(r'id="budget-problems">(.*?)</div>', page, re.S)[1]
    assert "Le montant demandé (75 000,00 €) dépasse le maximum de cet appel" in flat(problem)
    assert '<a href="#id_budget-0-amount_requested">Budget</a>' in summary_of(page)


@pytest.mark.parametrize(("language", "shown"), [("fr", "45\u00a0000,00"), ("en", "45,000.00")])
def test_an_amount_field_shows_the_amount_in_the_pages_language(
    client, applicant, over_budget, language, shown
):
    client.force_login(applicant)
    page = text_of(client.get(url("applications:edit", over_budget.pk, language=language)))
    amount = tag(page, "id_budget-0-amount_requested")
    assert f'value="{shown}"' in amount
    assert 'type="text"' in amount and 'inputmode="decimal"' in amount


def test_a_draft_refused_lists_each_field_with_a_link_to_it(client, applicant):
    application = ApplicationFactory(call=CallFactory(), lead=applicant, title="Projet")
    client.force_login(applicant)
    data = {
        "version": application.version,
        "title": "x" * 300,
        "team-TOTAL_FORMS": "0",
        "team-INITIAL_FORMS": "0",
        "budget-TOTAL_FORMS": "0",
        "budget-INITIAL_FORMS": "0",
    }

    response = client.post(url("applications:edit", application.pk), data)

    assert response.status_code == 400
    page = text_of(response)
    title = tag(page, "id_title")
    assert 'aria-invalid="true"' in title and 'aria-describedby="id_title_error"' in title
    beside = flat(re.search(r'id="id_title_error"[^>]*>(.*?)</div>', page, re.S)[1])
    assert "300" in beside  # "at most 255 characters (it has 300)"
    summary = summary_of(page)
    assert '<a href="#id_title">Titre du projet</a>' in summary
    assert "Veuillez corriger les points suivants" in summary


@pytest.fixture
def review_page(client, reviewer):
    call = CallFactory(closed=True, half_points=True)
    CallCriterionFactory(call=call, name_fr="Qualité scientifique", scale_min=0, scale_max=5)
    CallCriterionFactory(call=call, name_fr="Faisabilité", scale_min=0, scale_max=5)
    assignment = AssignmentFactory(
        application=in_review_application(call), reviewer=reviewer, state="accepted"
    )
    client.force_login(reviewer)
    criteria = list(call.criteria.order_by("sort_order"))
    return url("reviews:assignment", assignment.pk), criteria


def scores(criteria, *typed):
    data = {"action": "save"}
    for criterion, score in zip(criteria, typed, strict=True):
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = ""
    return data


def test_a_refused_score_is_marked_beside_its_field_and_linked_from_the_top(client, review_page):
    page_url, criteria = review_page

    response = client.post(page_url, scores(criteria, "3,5", "7"))

    assert response.status_code == 400
    page = text_of(response)
    bad = f"id_score_{criteria[1].pk}"
    field = tag(page, bad)
    assert 'aria-invalid="true"' in field and f"{bad}_error" in field
    assert 'value="7"' in field and 'value="3,5"' in tag(page, f"id_score_{criteria[0].pk}")
    beside = flat(re.search(rf'id="{bad}_error"[^>]*>(.*?)</div>', page, re.S)[1])
    assert "Donnez une note de 0 à 5." in beside
    summary = summary_of(page)
    assert f'<a href="#{bad}">Note sur « Faisabilité »</a>' in flat(summary)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_score_with_a_decimal_comma_is_kept_in_either_language(client, review_page, language):
    page_url, criteria = review_page
    with translation.override(language):
        page_url = reverse("reviews:assignment", args=[page_url.rstrip("/").split("/")[-1]])

    response = client.post(page_url, scores(criteria, "3,5", "4.5"))

    assert response.status_code == 302
    page = text_of(client.get(page_url))
    first, second = (tag(page, f"id_score_{criterion.pk}") for criterion in criteria)
    half, four_and_a_half = ("3,5", "4,5") if language == "fr" else ("3.5", "4.5")
    assert f'value="{half}"' in first and f'value="{four_and_a_half}"' in second


def test_a_submitted_application_reads_dates_and_numbers_as_its_receipt_does(client, applicant):
    questions = [
        {"type": "date", "id": "start", "value": {"label": "Début", "required": True}},
        {"type": "number", "id": "pages", "value": {"label": "Pages", "required": True}},
    ]
    call = CallFactory(questions=questions)
    application = ApplicationFactory(call=call, lead=applicant, submitted=True)
    application.answers = {"start": "2027-03-01", "pages": 45000}
    application.save(update_fields=["answers"])
    client.force_login(applicant)

    french = flat(text_of(client.get(url("applications:edit", application.pk))))
    english = flat(text_of(client.get(url("applications:edit", application.pk, language="en"))))

    assert "1 mars 2027" in french and "45 000" in french and "2027-03-01" not in french
    assert "March 1, 2027" in english and "45,000" in english


def test_a_form_crispy_renders_whole_opens_with_its_summary(client, applicant):
    """Sign-in, profile, decisions...: every {{ form|crispy }} lists what it refused on top."""
    response = client.post(url("account_login"), {"login": applicant.email, "password": "faux"})

    page = text_of(response)
    summary = summary_of(page)
    assert "Veuillez corriger les points suivants" in summary
    assert "mot de passe" in flat(summary)
    assert 'id="form-errors"' in summary and "data-error-summary" in summary
