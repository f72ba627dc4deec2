"""Programme staff: a call's applications listed, filtered, sorted, totalled, exported, reopened."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    BudgetLine,
    TeamMember,
)
from applications.services import submit_application

from .factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    InstitutionFactory,
    ProgrammeFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_application(
    call, amount, *, title="Projet", institution=None, typed="", state=ApplicationState.DRAFT
):
    application = ApplicationFactory(call=call, title=title, state=state)
    TeamMemberFactory(
        application=application,
        is_lead=True,
        institution=institution,
        institution_name=typed,
    )
    BudgetLineFactory(application=application, amount_requested=Decimal(amount))
    return application


def list_url(call):
    return reverse("applications:call_applications", kwargs={"slug": call.slug})


def export_url(call, fmt):
    return reverse("applications:export", kwargs={"slug": call.slug, "fmt": fmt})


def list_page(client, call, **params):
    return client.get(list_url(call), params)


@pytest.fixture(autouse=True)
def english():
    """Pages in English, the source strings (the URLs too: every reverse() gives /en/...)."""
    translation.activate("en")


def references(response):
    return [application.reference for application in response.context["page"].object_list]


@pytest.fixture
def call(db):
    return CallFactory(
        title_en="Digitise the theses", programme=ProgrammeFactory(code="numerisation")
    )


@pytest.fixture
def staff_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


# Who may see the list


def test_a_programme_manager_sees_every_application_of_the_call_and_only_those(staff_client, call):
    strasbourg = InstitutionFactory(name="Université de Strasbourg", acronym="UNISTRA")
    draft = make_application(call, "1000", title="Thèses alsaciennes", institution=strasbourg)
    submitted = make_application(
        call, "2500.50", title="Archives du CNRS", typed="Labo indépendant", state="submitted"
    )
    other = make_application(CallFactory(), "9999", title="Autre appel")

    response = list_page(staff_client, call)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Applications to Digitise the theses" in content
    assert sorted(references(response)) == sorted([draft.reference, submitted.reference])
    assert "Autre appel" not in content and other.reference not in content
    assert "Thèses alsaciennes" in content
    assert reverse("applications:edit", args=[draft.pk]) in content
    assert draft.lead.email in content
    assert "Université de Strasbourg (UNISTRA)" in content
    assert "Labo indépendant" in content
    assert "2,500.50" in content
    assert "Draft" in content and "Submitted" in content
    assert f'href="{call.get_absolute_url()}"' in content  # the breadcrumb


def test_an_administrator_sees_the_list(client, administrator, call):
    client.force_login(administrator)
    assert list_page(client, call).status_code == 200


@pytest.mark.parametrize("persona", ["applicant", "reviewer", "council_member"])
def test_other_people_get_404_on_the_list_and_the_exports(client, call, persona, request):
    make_application(call, "1000")
    client.force_login(request.getfixturevalue(persona))

    assert client.get(list_url(call)).status_code == 404
    assert client.get(export_url(call, "csv")).status_code == 404
    assert client.get(export_url(call, "xlsx")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, call):
    for url in (list_url(call), export_url(call, "csv")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_an_unknown_call_or_format_is_404(staff_client, call):
    assert staff_client.get(list_url(CallFactory.build(slug="nope"))).status_code == 404
    assert staff_client.get(export_url(call, "pdf")).status_code == 404


# Filters, sorts, totals


def test_filter_by_state(staff_client, call):
    draft = make_application(call, "1000")
    submitted = make_application(call, "1000", state="submitted")

    assert references(list_page(staff_client, call, state="submitted")) == [submitted.reference]
    assert references(list_page(staff_client, call, state="draft")) == [draft.reference]


def test_filter_by_lead_institution(staff_client, call):
    strasbourg = InstitutionFactory(name="Université de Strasbourg")
    lyon = InstitutionFactory(name="Université de Lyon")
    in_strasbourg = make_application(call, "1000", institution=strasbourg)
    make_application(call, "1000", institution=lyon)
    make_application(call, "1000", typed="Ailleurs")
    # A team member of Strasbourg who does not lead does not make the application Strasbourg's.
    led_elsewhere = make_application(call, "1000", institution=lyon)
    TeamMemberFactory(application=led_elsewhere, institution=strasbourg)

    response = list_page(staff_client, call, institution=strasbourg.pk)

    assert references(response) == [in_strasbourg.reference]


def test_filter_by_programme(staff_client, call):
    application = make_application(call, "1000")
    ProgrammeFactory(code="archives")

    assert references(list_page(staff_client, call, programme="numerisation")) == [
        application.reference
    ]
    assert references(list_page(staff_client, call, programme="archives")) == []


def test_filter_by_amount_range_with_applications_without_budget_at_zero(staff_client, call):
    small = make_application(call, "500")
    middle = make_application(call, "15000")
    large = make_application(call, "60000")
    empty = ApplicationFactory(call=call)  # no budget line yet: requests 0
    BudgetLineFactory(application=middle, amount_requested=Decimal("5000"))  # 20 000 in all

    def shown(**params):
        return set(references(list_page(staff_client, call, **params)))

    assert shown(amount_min="1000", amount_max="20000") == {middle.reference}
    assert shown(amount_min="20000.01") == {large.reference}
    assert shown(amount_max="500") == {small.reference, empty.reference}
    # Typed as the French page writes amounts, with a decimal comma and grouped thousands.
    assert shown(amount_min="20\u202f000,01") == {large.reference}
    assert shown(amount_min="1 000", amount_max="20 000,00") == {middle.reference}


def test_the_filter_form_has_labels_and_works_without_javascript(staff_client, call):
    content = list_page(staff_client, call).content.decode()

    assert 'method="get"' in content
    for name in ("state", "institution", "programme", "amount_min", "amount_max"):
        assert f'<label class="form-label" for="id_{name}">' in content
    assert '<button type="submit" class="btn btn-primary">Filter</button>' in content


def test_sort_by_amount_both_ways_with_header_links_that_keep_the_filters(staff_client, call):
    middle = make_application(call, "20000", state="submitted")
    small = make_application(call, "500", state="submitted")
    large = make_application(call, "60000", state="submitted")
    make_application(call, "1", state="draft")

    ascending = list_page(staff_client, call, state="submitted", sort="amount")
    descending = list_page(staff_client, call, state="submitted", sort="-amount")

    assert references(ascending) == [small.reference, middle.reference, large.reference]
    assert references(descending) == [large.reference, middle.reference, small.reference]
    content = ascending.content.decode()
    assert '<th scope="col" aria-sort="ascending" class="text-end">' in content
    assert 'href="?state=submitted&amp;sort=-amount"' in content  # the next click: descending
    assert 'aria-sort="descending"' in descending.content.decode()


def test_every_sort_key_works_and_an_unknown_one_falls_back_to_the_reference(staff_client, call):
    first = make_application(call, "1000", title="B")
    second = make_application(call, "2000", title="A")
    for key in ("reference", "title", "state", "amount", "submitted", "updated"):
        for sort in (key, f"-{key}"):
            assert list_page(staff_client, call, sort=sort).status_code == 200
    assert references(list_page(staff_client, call, sort="title")) == [
        second.reference,
        first.reference,
    ]
    assert references(list_page(staff_client, call, sort="drop table")) == [
        first.reference,
        second.reference,
    ]


def test_totals_count_and_sum_the_filtered_set_across_pages(staff_client, call):
    for _ in range(52):
        make_application(call, "100.25", state="submitted")
    make_application(call, "7000")

    response = list_page(staff_client, call, state="submitted")

    content = response.content.decode()
    assert len(references(response)) == 50
    assert response.context["totals"] == {"count": 52, "requested": Decimal("5213.00")}
    assert "Total of 52 applications matching the filters" in content
    assert "5,213.00" in content
    assert 'aria-label="Pages of applications"' in content
    assert 'href="?state=submitted&amp;page=2"' in content
    second_page = list_page(staff_client, call, state="submitted", page=2)
    assert len(references(second_page)) == 2


# Query counts: one query for the page, whatever the number of applications


def bulk_applications(call, count):
    leads = UserFactory.create_batch(3)
    institution = InstitutionFactory()
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            lead=leads[i % 3],
            title=f"Projet {i}",
            state=ApplicationState.SUBMITTED if i % 2 else ApplicationState.DRAFT,
            submitted_at=timezone.now() if i % 2 else None,
        )
        for i in range(count)
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            application=application,
            name=f"Porteur {application.pk}",
            role="researcher",
            is_lead=True,
            institution=institution if i % 2 else None,
            institution_name="" if i % 2 else "Laboratoire",
        )
        for i, application in enumerate(applications)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            category="staff",
            description="Vacations",
            amount_requested=Decimal("1000.00") + line,
        )
        for application in applications
        for line in range(2)
    )


@pytest.mark.parametrize("count", [5, 500])
def test_the_list_query_count_does_not_grow_with_the_applications(
    staff_client, call, count, django_assert_max_num_queries
):
    bulk_applications(call, count)

    # Session, user, two for permissions, call, totals, filter choices (2), page of rows, the
    # header's unread messages; and the site settings of the base template, created on the first
    # request.
    with django_assert_max_num_queries(15):
        response = list_page(staff_client, call, sort="-amount")

    assert response.status_code == 200
    assert len(references(response)) == min(count, 50)
    assert response.context["totals"]["count"] == count


@pytest.mark.parametrize("count", [5, 500])
def test_the_export_query_count_does_not_grow_with_the_applications(
    staff_client, call, count, django_assert_max_num_queries
):
    bulk_applications(call, count)

    with django_assert_max_num_queries(8):
        response = staff_client.get(export_url(call, "csv"))

    assert len(parse_csv(response)) == count


# Exports


def parse_csv(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


@pytest.fixture
def exported(call):
    """Two submitted applications (one with a title that is a formula) and a draft."""
    received = dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)
    formula = make_application(
        call, "12000.50", title='=HYPERLINK("http://evil.example","x")', state="submitted"
    )
    plain = make_application(call, "300", title="-Un titre avec tiret", state="submitted")
    Application.objects.filter(pk__in=[formula.pk, plain.pk]).update(submitted_at=received)
    make_application(call, "999", title="Brouillon", state="draft")
    return formula, plain


def test_csv_export_has_the_filtered_rows_amounts_with_a_dot_and_paris_dates(
    staff_client, call, exported
):
    formula, plain = exported
    response = staff_client.get(export_url(call, "csv"), {"state": "submitted", "sort": "amount"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert f'filename="candidatures-{call.slug}-{today}.csv"' in response["Content-Disposition"]
    rows = parse_csv(response)
    assert [row["Reference"] for row in rows] == [plain.reference, formula.reference]
    assert [row["Amount requested (EUR)"] for row in rows] == ["300.00", "12000.50"]
    assert rows[0]["Received at"] == "2026-03-02T17:30:00+01:00"
    page = list_page(staff_client, call).content.decode()
    assert '<time datetime="2026-03-02T17:30:00+01:00">03/02/2026 5:30 p.m.</time>' in page
    assert rows[0]["State"] == "Submitted"
    assert rows[0]["Lead applicant's e-mail"] == plain.lead.email
    # Never a formula: the values a spreadsheet would evaluate start with a quote.
    assert rows[1]["Title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["Title"] == "'-Un titre avec tiret"


def test_xlsx_export_has_numbers_in_euros_datetimes_and_no_formula(staff_client, call, exported):
    formula, plain = exported
    response = staff_client.get(export_url(call, "xlsx"), {"state": "submitted", "sort": "-amount"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reference" and rows[0][6] == "Amount requested (EUR)"
    assert [row[0] for row in rows[1:]] == [formula.reference, plain.reference]
    assert [row[6] for row in rows[1:]] == [12000.5, 300]
    assert "€" in sheet["G2"].number_format
    assert rows[1][7] == dt.datetime(2026, 3, 2, 17, 30)
    title = sheet["B2"]
    assert title.data_type == "s"
    assert title.value == '=HYPERLINK("http://evil.example","x")'


# Reopen


def test_reopen_with_a_reason_sends_the_application_back_to_draft(staff_client, call):
    application = ApplicationFactory(call=call, complete=True)
    submit_application(application, application.lead)
    next_url = list_url(call) + "?state=submitted"

    response = staff_client.post(
        reverse("applications:reopen", args=[application.pk]),
        {"reason": "Pièce manquante : budget détaillé", "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == next_url
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    event = ApplicationEvent.objects.filter(application=application, action="reopen").get()
    assert event.reason == "Pièce manquante : budget détaillé"
    assert event.from_state == ApplicationState.SUBMITTED


def test_the_list_offers_reopen_on_submitted_rows_only(staff_client, call):
    submitted = make_application(call, "1000", state="submitted")
    draft = make_application(call, "1000")

    content = list_page(staff_client, call).content.decode()

    assert reverse("applications:reopen", args=[submitted.pk]) in content
    assert reverse("applications:reopen", args=[draft.pk]) not in content
    assert f'<label class="form-label small" for="reason-{submitted.pk}">' in content


def test_reopen_without_a_reason_is_refused(staff_client, call):
    application = make_application(call, "1000", state="submitted")

    response = staff_client.post(
        reverse("applications:reopen", args=[application.pk]), {"reason": "  "}, follow=True
    )

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert not ApplicationEvent.objects.filter(action="reopen").exists()
    assert response.redirect_chain[-1][0] == list_url(call)
    assert "alert-danger" in response.content.decode()


def test_reopen_of_a_draft_shows_the_services_message(staff_client, call):
    application = make_application(call, "1000")

    response = staff_client.post(
        reverse("applications:reopen", args=[application.pk]), {"reason": "Erreur"}, follow=True
    )

    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["An application that is draft cannot be reopened."]
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_an_applicant_cannot_reopen(client, applicant, call):
    application = make_application(call, "1000", state="submitted")
    Application.objects.filter(pk=application.pk).update(lead=applicant)
    client.force_login(applicant)

    response = client.post(
        reverse("applications:reopen", args=[application.pk]), {"reason": "Je veux modifier"}
    )

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_reopen_does_not_redirect_to_another_site(staff_client, call):
    application = make_application(call, "1000", state="submitted")

    response = staff_client.post(
        reverse("applications:reopen", args=[application.pk]),
        {"reason": "Pièce manquante", "next": "https://evil.example/"},
    )

    assert response["Location"] == list_url(call)


def test_staff_find_the_list_from_the_call_page(client, programme_manager, applicant):
    call = CallFactory()
    link = reverse("applications:call_applications", args=[call.slug])
    client.force_login(applicant)
    assert link not in client.get(call.get_absolute_url()).text
    client.force_login(programme_manager)
    assert link in client.get(call.get_absolute_url()).text
