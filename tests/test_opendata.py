"""The public page of funded projects and its CSV and JSON files (open data, Licence Ouverte)."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Institution
from applications.models import ApplicationState
from decisions.budget import call_year
from reports import opendata, views_opendata

from .factories import (
    ApplicationFactory,
    CallFactory,
    ProgrammeFactory,
    TeamMemberFactory,
    UserFactory,
    decided_application,
    in_review_application,
)

pytestmark = pytest.mark.django_db

SUMMARY_ID = "0b6f1c7e-5a55-4c2e-9d1e-3f3e0a1b2c3d"
ACRONYM_ID = "7d1e2f3a-1111-4c2e-9d1e-3f3e0a1b2c3d"
FORM = [
    {
        "type": "text",
        "value": {"label": "Acronyme", "label_en": "Acronym", "help_text": "", "required": True},
        "id": ACRONYM_ID,
    },
    {
        "type": "long_text",
        "value": {
            "label": "Résumé du projet",
            "label_en": "Project abstract",
            "help_text": "",
            "required": True,
            "max_words": 300,
        },
        "id": SUMMARY_ID,
    },
]
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
# A publication date long past: the funded project is public (its letter need not be sent).
PUBLISHED = dt.date(2020, 1, 1)


def funded_call(**kwargs):
    kwargs.setdefault("closed", True)
    return CallFactory(questions=FORM, **kwargs)


def funded(call, title="Projet financé", amount="8000.00", institution=None, summary="", **kw):
    application = decided_application(
        call,
        "funded",
        amount=Decimal(amount),
        application={
            "title": title,
            "answers": {SUMMARY_ID: summary, ACRONYM_ID: "ACR"} if summary else {},
        },
        publication_date=PUBLISHED,
        **kw,
    )
    if institution:
        application.team.filter(is_lead=True).update(institution=institution)
    return application


def page(client, language="en", **params):
    with translation.override(language):
        return client.get(reverse("opendata:projects"), params)


def download(client, fmt, **params):
    with translation.override("en"):
        return client.get(reverse(f"opendata:projects_{fmt}"), params)


def parse_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def parse_json(response):
    return json.loads(response.content.decode("utf-8"))


@pytest.fixture
def bnf():
    return Institution.objects.create(
        name="Bibliothèque nationale de France", acronym="BnF", ror="04v0snf24"
    )


# Who appears


def test_only_funded_applications_of_published_calls_appear(client):
    call = funded_call()
    shown = funded(call, title="Numériser les carnets")
    decided_application(call, "reserve", application={"title": "En réserve"})
    decided_application(call, "rejected", application={"title": "Refusé"})
    decided_application(call, "withdrawn", application={"title": "Financement retiré"})
    in_review_application(call, title="Encore en évaluation")
    ApplicationFactory(call=call, title="Un brouillon")
    funded(funded_call(draft=True), title="Appel non publié")
    withdrawn_later = funded(call, title="Candidature retirée")
    withdrawn_later.state = ApplicationState.WITHDRAWN
    withdrawn_later.save(update_fields=["state"])

    response = page(client)
    content = response.content.decode()
    csv_titles = [row[1] for row in parse_csv(download(client, "csv"))[1:]]
    json_titles = [row["title"] for row in parse_json(download(client, "json"))["results"]]

    assert response.status_code == 200
    assert "1 funded project" in content
    assert "Numériser les carnets" in content
    for hidden in (
        "En réserve",
        "Refusé",
        "Financement retiré",
        "Encore en évaluation",
        "Un brouillon",
        "Appel non publié",
        "Candidature retirée",
    ):
        assert hidden not in content
    assert csv_titles == json_titles == [shown.title]


def test_no_personal_data_is_published(client, bnf):
    lead = UserFactory(first_name="Hortense", last_name="Delacroix", email="hortense@example.org")
    lead.orcid = "0000-0002-1825-0097"
    lead.save()
    call = funded_call()
    application = decided_application(
        call,
        "funded",
        application={"title": "Carnets", "lead": lead, "answers": {SUMMARY_ID: "Un résumé."}},
        publication_date=PUBLISHED,
    )
    application.team.filter(is_lead=True).update(
        institution=bnf,
        name="Hortense Delacroix",
        email="hortense@example.org",
        orcid="0000-0002-1825-0097",
    )
    TeamMemberFactory(application=application, name="Gaspard Monge", email="gaspard@example.org")

    for response in (page(client), download(client, "csv"), download(client, "json")):
        content = response.content.decode()
        assert "Carnets" in content
        assert "Bibliothèque nationale de France" in content
        for personal in ("Hortense", "Delacroix", "example.org", "0000-0002-1825-0097", "Gaspard"):
            assert personal not in content


# The page


def test_the_page_shows_each_project_with_its_call_programme_year_institution_amount_summary(
    client, bnf
):
    programme = ProgrammeFactory(title_en="Enriched digitisation")
    # 23:30 UTC on 31 December 2024 is already 2025 in Paris.
    closes_at = dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC)
    call = funded_call(
        programme=programme,
        title_en="Corpora 2025",
        opens_at=closes_at - dt.timedelta(days=60),
        closes_at=closes_at,
    )
    funded(
        call,
        title="Édition critique des carnets de l'abbé Grégoire",
        amount="12500.00",
        institution=bnf,
        summary="Numériser et éditer les carnets.",
    )
    cross = funded(funded_call(programme=None), title="Outils transverses")

    response = page(client)
    content = response.content.decode()

    assert "2 funded projects" in content
    assert "Édition critique des carnets de l&#x27;abbé Grégoire" in content
    with translation.override("en"):
        assert f'href="{call.get_absolute_url()}">Corpora 2025</a>' in content
    assert "Enriched digitisation" in content
    assert "Cross-programme" in content
    assert "<td>2025</td>" in content and call_year(call) == 2025
    assert "Bibliothèque nationale de France" in content
    assert 'href="https://ror.org/04v0snf24"' in content
    assert "€12,500" in content
    assert "<summary>Summary</summary>" in content
    assert "Numériser et éditer les carnets." in content
    assert cross.reference in content


def test_the_page_is_accessible_and_states_the_licence(client):
    funded(funded_call())

    content = page(client).content.decode()

    assert "<caption" in content
    assert content.count('<th scope="col"') == 7
    assert '<th scope="row"' in content
    for name in ("q", "programme", "call", "year", "institution", "state", "deliverable"):
        assert f'for="id_{name}"' in content
        assert f'name="{name}"' in content
    assert "Licence Ouverte 2.0 / Etalab" in content
    assert f'href="{LICENCE_URL}" rel="license"' in content
    assert 'role="status"' in content


def test_the_page_is_public_and_linked_from_the_header(client):
    with translation.override("en"):
        url = reverse("opendata:projects")
        calls_page = client.get(reverse("calls:list"))
    assert url == "/en/funded-projects/"
    assert f'href="{url}"' in calls_page.content.decode()
    assert page(client, "fr").status_code == 200
    assert page(client).status_code == 200
    with translation.override("en"):
        assert client.post(url).status_code == 405


def test_an_empty_list_says_so(client):
    content = page(client).content.decode()

    assert "0 funded projects" in content
    assert "No funded project matches these filters." in content


# Filters


@pytest.fixture
def three_projects(bnf):
    digitisation = ProgrammeFactory(code="digitisation")
    archives = ProgrammeFactory(code="archives")
    closes_2024 = dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)
    old_call = funded_call(
        programme=digitisation,
        slug="numerisation-2024",
        opens_at=closes_2024 - dt.timedelta(days=30),
        closes_at=closes_2024,
    )
    new_call = funded_call(programme=archives, slug="archives-2026")
    other = Institution.objects.create(name="Université de Strasbourg", ror="00pg6eq24")
    return {
        "carnets": funded(old_call, title="Carnets de voyage", institution=bnf),
        "herbiers": funded(
            old_call, title="Herbiers", institution=other, summary="Des planches botaniques."
        ),
        "fonds": funded(new_call, title="Fonds d'archives de physiciens", institution=bnf),
        "other": other,
    }


def titles(response):
    return [row[1] for row in parse_csv(response)[1:]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"programme": "digitisation"}, ["Carnets de voyage", "Herbiers"]),
        ({"programme": "archives"}, ["Fonds d'archives de physiciens"]),
        ({"year": "2024"}, ["Carnets de voyage", "Herbiers"]),
        ({"call": "archives-2026"}, ["Fonds d'archives de physiciens"]),
        ({"q": "herbiers"}, ["Herbiers"]),
        ({"q": "botaniques"}, ["Herbiers"]),  # in the summary
        ({"q": "strasbourg"}, ["Herbiers"]),  # in the lead institution
        ({"ror": "https://ror.org/00pg6eq24"}, ["Herbiers"]),
        ({"programme": "digitisation", "q": "carnets"}, ["Carnets de voyage"]),
    ],
)
def test_filters_apply_to_the_page_and_to_both_files(client, three_projects, params, expected):
    content = page(client, **params).content.decode()
    json_titles = [
        row["title"] for row in parse_json(download(client, "json", **params))["results"]
    ]

    assert titles(download(client, "csv", **params)) == expected
    assert json_titles == expected
    for name in ("Carnets de voyage", "Herbiers", "Fonds d&#x27;archives de physiciens"):
        assert (name in content) == (name.replace("&#x27;", "'") in expected)


def test_filter_by_lead_institution(client, three_projects):
    other = three_projects["other"]

    response = download(client, "csv", institution=other.pk)

    assert titles(response) == ["Herbiers"]
    page_content = page(client).content.decode()
    assert f'<option value="{other.pk}">Université de Strasbourg</option>' in page_content


def test_the_year_is_chosen_among_the_years_with_funded_projects(client, three_projects):
    content = page(client).content.decode()

    this_year = call_year(three_projects["fonds"].call)
    assert '<option value="2024">2024</option>' in content
    assert f'<option value="{this_year}">{this_year}</option>' in content
    assert '<option value="2023">' not in content


def test_a_mistyped_filter_gives_no_file_of_everything(client, three_projects):
    response = download(client, "csv", programme="unknown")

    assert response.status_code == 400
    assert "programme" in response.content.decode()


def test_the_list_is_paginated_with_the_number_of_results(client, monkeypatch):
    monkeypatch.setattr(views_opendata, "PER_PAGE", 2)
    call = funded_call()
    for number in range(5):
        funded(call, title=f"Projet {number}")

    first = page(client).content.decode()
    last = page(client, page=3).content.decode()

    assert "5 funded projects" in first
    assert "page 1 of 3" in first
    assert first.count("<tr>") == 3  # the header and two rows
    assert last.count("<tr>") == 2
    assert "?page=2" in first
    # The files hold every matching project, whatever the page.
    assert len(parse_csv(download(client, "csv", page=2))) == 6


# The files


def test_the_csv_file_has_the_documented_columns_and_its_accents(client, bnf):
    closes_at = dt.datetime(2025, 3, 1, 11, tzinfo=dt.UTC)
    call = funded_call(
        programme=ProgrammeFactory(code="digitisation"),
        slug="corpus-2025",
        title_fr="Appel « Corpus » 2025",
        opens_at=closes_at - dt.timedelta(days=30),
        closes_at=closes_at,
    )
    application = funded(
        call,
        title="Édition critique des carnets de l'abbé Grégoire",
        amount="12500.50",
        institution=bnf,
        summary="Numériser, transcrire; éditer.\nDeuxième ligne.",
        meeting_date=dt.date(2025, 6, 12),
    )

    response = download(client, "csv")
    rows = parse_csv(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="funded-projects-')
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert rows[0] == [
        "id",
        "title",
        "call",
        "call_slug",
        "programme",
        "year",
        "lead_institution",
        "lead_institution_ror",
        "amount_granted",
        "currency",
        "summary",
        "decided_on",
        "page_url",
        "state",
        "agreement_signed_on",
        "start_date",
        "end_date",
        "grantor_name",
        "beneficiary_name",
        "beneficiary_ror",
        "payment_conditions",
        "payment_period",
        "collections",
    ]
    assert rows[1] == [
        application.reference,
        "Édition critique des carnets de l'abbé Grégoire",
        "Appel « Corpus » 2025",
        "corpus-2025",
        "digitisation",
        "2025",
        "Bibliothèque nationale de France",
        "04v0snf24",
        "12500.50",
        "EUR",
        "Numériser, transcrire; éditer.\nDeuxième ligne.",
        "2025-06-12",
        f"http://testserver/projets-finances/{application.reference}/",
        # Announced by its publication date, its letter not sent: no project followed yet.
        "",
        "",
        "",
        "",
        "CollEx-Persée",
        "",
        "",
        "",
        "",
        "",  # no labelled collection named
    ]


def test_the_csv_file_neutralises_formulas_and_leaves_missing_values_empty(client):
    call = funded_call(programme=None)
    funded(call, title='=HYPERLINK("https://evil.example","clic")', summary="@SUM(A1:A2)")
    # Institution typed in by the applicant, not in the directory: a name, no ROR.
    project = funded(call, title="Sans établissement de l'annuaire")
    project.team.filter(is_lead=True).update(institution_name="+Laboratoire hors annuaire")

    rows = {row[1]: row for row in parse_csv(download(client, "csv"))[1:]}

    formula = rows['\'=HYPERLINK("https://evil.example","clic")']
    assert formula[10] == "'@SUM(A1:A2)"
    assert formula[4] == ""  # cross-programme
    assert formula[6] == formula[7] == ""  # no lead institution known
    typed = rows["Sans établissement de l'annuaire"]
    assert typed[6] == "'+Laboratoire hors annuaire"
    assert typed[7] == ""


def test_the_json_file_has_the_licence_the_count_and_the_documented_fields(client, bnf):
    call = funded_call(slug="corpus-2025", programme=ProgrammeFactory(code="archives"))
    application = funded(
        call, title="Fonds « Marie Curie »", amount="9000", institution=bnf, summary="Été."
    )
    funded(funded_call(programme=None), title="Sans programme")

    response = download(client, "json")
    document = parse_json(response)

    assert response["Content-Type"] == "application/json"
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert "Fonds « Marie Curie »".encode() in response.content  # accents as they are
    assert list(document) == ["licence", "publisher", "generated_at", "count", "results"]
    assert document["licence"] == {
        "name": "Licence Ouverte 2.0 / Etalab",
        "url": LICENCE_URL,
        "spdx": "etalab-2.0",
    }
    assert document["count"] == 2
    assert dt.datetime.fromisoformat(document["generated_at"]).utcoffset() == dt.timedelta(0)
    by_title = {row["title"]: row for row in document["results"]}
    row = by_title["Fonds « Marie Curie »"]
    assert list(row) == list(opendata.COLUMNS)
    assert row["id"] == application.reference
    assert row["amount_granted"] == "9000.00"
    assert row["currency"] == "EUR"
    assert row["programme"] == "archives"
    assert row["lead_institution_ror"] == "04v0snf24"
    assert row["summary"] == "Été."
    assert row["year"] == call_year(call)
    assert by_title["Sans programme"]["programme"] is None
    assert by_title["Sans programme"]["lead_institution"] is None


# The summary


def test_the_summary_is_the_answer_to_the_forms_summary_question():
    block = {"type": "long_text", "id": "s", "value": {"label": "Résumé du projet"}}
    english = {"type": "long_text", "id": "e", "value": {"label": "Projet", "label_en": "Summary"}}
    first_text = {"type": "text", "id": "t", "value": {"label": "Titre court"}}
    file_block = {"type": "file", "id": "f", "value": {"label": "Résumé signé (PDF)"}}
    curriculum = {"type": "long_text", "id": "cv", "value": {"label": "CV", "label_en": "Resume"}}

    assert opendata.summary_question([first_text, file_block, block]) == "s"
    assert opendata.summary_question([english]) == "e"
    assert opendata.summary_question([first_text, file_block, curriculum]) is None
    assert opendata.summary_question([]) is None


def test_a_call_without_a_summary_question_gives_an_empty_summary(client):
    call = CallFactory(closed=True)
    decided_application(
        call, "funded", application={"answers": {"x": "Pas un résumé"}}, publication_date=PUBLISHED
    )

    row = parse_json(download(client, "json"))["results"][0]

    assert row["summary"] == ""


# Query counts


@pytest.mark.parametrize("count", [3, 12])
def test_the_page_and_the_files_need_a_fixed_number_of_queries(
    client, count, django_assert_max_num_queries, bnf
):
    calls = [funded_call(programme=ProgrammeFactory()) for _ in range(0, count, 3)]
    for number in range(count):
        funded(calls[number // 3], title=f"Projet {number}", institution=bnf, summary="Résumé")

    # The forms' summary questions, the years, the programme (checked, then listed), the calls,
    # the institutions, the labelled collections, the count, the page of rows; the base
    # template's site and its settings (created on the first request, in a savepoint).
    with django_assert_max_num_queries(14):
        response = page(client, programme=calls[0].programme.code)
    assert response.status_code == 200
    with django_assert_max_num_queries(4):
        assert len(parse_csv(download(client, "csv"))) == count + 1
    with django_assert_max_num_queries(4):
        assert parse_json(download(client, "json"))["count"] == count
