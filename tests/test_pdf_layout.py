"""The PDFs read well: the receipt names the application's disciplines and keywords and keeps
each team row on one page; the call report's ranking headers are whole words, never a syllable
per line ("Moyenn" / "e")."""

import pytest
from django.utils import translation

from applications.receipts import render_receipt
from applications.services import submit_application
from reports.governance import build_document

from .factories import (
    ApplicationFactory,
    CallCriterionFactory,
    DisciplineFactory,
    TeamMemberFactory,
)
from .reading import pdf_pages
from .test_reports_documents import reviewed_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(applicant):
    application = ApplicationFactory(
        lead=applicant, complete=True, keywords="autochromes, plaques de verre, photographie"
    )
    application.disciplines.set(
        [
            DisciplineFactory(code="histoire", name_fr="Histoire", name_en="History"),
            DisciplineFactory(
                code="arts", name_fr="Arts et photographie", name_en="Arts and photography"
            ),
        ]
    )
    # Enough rows, each three lines high, for the team table to cross a page.
    for n in range(40):
        TeamMemberFactory(
            application=application,
            name=f"Membre {n:02d}",
            email=f"membre{n:02d}@example.org",
            institution_name=f"Établissement numéro {n:02d} de la région des Hauts-de-France",
        )
    return submit_application(application, applicant)


def receipt_text(submission, language):
    pages = pdf_pages(render_receipt(submission, language))
    return " ".join(" ".join(page.split()) for page in pages)


def test_the_receipt_names_the_disciplines_and_keywords(submission):
    french = receipt_text(submission, "fr")
    assert "Disciplines Arts et photographie, Histoire" in french
    assert "Mots-clés autochromes, plaques de verre, photographie" in french
    english = receipt_text(submission, "en")
    assert "Disciplines Arts and photography, History" in english
    assert "Keywords autochromes, plaques de verre, photographie" in english


def test_a_team_row_stays_on_one_page(submission):
    pages = pdf_pages(render_receipt(submission, "fr"))
    team_pages = [page for page in pages if "Membre " in page]
    assert len(team_pages) >= 2  # the table does cross a page
    for n in range(40):
        # Its name, its address and its institution on the same page.
        [page] = [page for page in pages if f"Membre {n:02d}" in page]
        assert f"membre{n:02d}@example.org" in page
        assert f"numéro {n:02d}" in page


@pytest.mark.parametrize(
    "language, headers",
    [
        ("fr", ["Rang", "Moyenne", "Écart", "Consensus", "Évaluations", "Demandé"]),
        ("en", ["Rank", "Mean", "Spread", "Consensus", "Reviews", "Requested"]),
    ],
)
def test_the_ranking_headers_are_whole_words(language, headers):
    call = reviewed_call(3)
    CallCriterionFactory(
        call=call,
        name_fr="Co-construction entre chercheurs et professionnels de la documentation",
        name_en="Co-construction between researchers and documentation professionals",
        sort_order=3,
    )
    pages = pdf_pages(build_document("call", call=call, language=language).pdf)
    with translation.override(language):
        title = translation.gettext("Ranking and scores per criterion")
    [ranking] = [page for page in pages if title in page and "C1" in page.split()]
    words = set(ranking.split())
    for header in headers:
        assert header in words, f"{header!r} is cut in the ranking's header"
    # The criteria are numbered in the header and named in full above the table.
    assert {"C1", "C2", "C3"} <= words
    assert "professionnels de la documentation" in " ".join(ranking.split()) or (
        "documentation professionals" in " ".join(ranking.split())
    )
