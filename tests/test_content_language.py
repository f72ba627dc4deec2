"""French content on an English page is marked lang="fr" (RGAA 8.7), so that a screen reader
reads it in French: a call with no English text, its criteria's descriptions, the questions'
options chosen in an answer. Nothing is marked where the content is in the page's language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from applications.snapshot import answer_sections
from calls.translated import lang_attribute

from .factories import ApplicationFactory, CallCriterionFactory, CallFactory
from .reading import text_of

pytestmark = pytest.mark.django_db

DESCRIPTION = "Originalité de la démarche et solidité du corpus."


@pytest.fixture
def call(db):
    call = CallFactory(
        title_fr="Numériser les fonds d'archives", title_en="", summary_en="", slug="archives"
    )
    CallCriterionFactory(
        call=call, name_fr="Qualité scientifique", name_en="", description=DESCRIPTION
    )
    CallCriterionFactory(call=call, name_fr="Faisabilité", name_en="Feasibility")
    return call


def element_around(page, text):
    """The opening tag of the innermost element that holds `text`, in the page's main part."""
    main = page.index("<main")
    before = page[: page.index(text, main)]
    return before[before.rindex("<") :]


def test_an_english_page_marks_the_french_description_of_a_criterion(client, call):
    page = text_of(client.get("/en/calls/archives/"))
    assert 'lang="fr"' in element_around(page, DESCRIPTION)
    assert 'lang="fr"' in element_around(page, "Qualité scientifique")
    assert 'lang="fr"' in element_around(page, "Numériser les fonds d'archives")  # the h1
    # The criterion that has an English name is in the page's language: nothing to mark.
    assert "lang=" not in element_around(page, "Feasibility")


def test_a_french_page_marks_none_of_it(client, call):
    page = text_of(client.get("/appels/archives/"))
    main = page[page.index("<main") : page.index("</main>")]
    assert not re.search(r"lang=", main)
    assert "lang=" not in element_around(page, DESCRIPTION)


def test_a_translated_field_says_which_language_it_returned(call):
    criterion = call.criteria.get(name_en="Feasibility")
    with translation.override("en"):
        assert (call.title, call.title_language) == ("Numériser les fonds d'archives", "fr")
        assert (criterion.name, criterion.name_language) == ("Feasibility", "en")
    assert (criterion.name, criterion.name_language) == ("Faisabilité", "fr")


def test_the_attribute_is_written_only_where_the_language_differs():
    with translation.override("en"):
        assert lang_attribute("fr") == ' lang="fr"'
        assert lang_attribute("en") == ""
        assert lang_attribute(None) == ""
    assert lang_attribute("en") == ' lang="en"'
    assert lang_attribute("fr") == ""


def test_an_answer_chosen_among_french_options_is_french_on_an_english_page():
    questions = [
        {
            "type": "choice",
            "id": "field",
            "value": {
                "label": "Domaine",
                "label_en": "Field",
                "help_text": "",
                "required": True,
                "choices": ["Histoire", "Sciences"],
                "multiple": False,
            },
        },
        {
            "type": "text",
            "id": "acronym",
            "value": {"label": "Acronyme", "help_text": "", "required": True, "max_length": 20},
        },
    ]
    with translation.override("en"):
        [section] = answer_sections(questions, {"field": "Histoire", "acronym": "LUMIERE"})
    choice, text = section.items
    assert (choice.label_language, choice.value_language) == ("en", "fr")
    # No English label: French; the applicant's own words: no language claimed.
    assert (text.label_language, text.value_language) == ("fr", None)


def test_an_english_draft_marks_the_french_questions_help_and_options(client, applicant):
    questions = [
        {
            "type": "choice",
            "id": "field",
            "value": {
                "label": "Domaine de recherche",
                "help_text": "Choisissez le domaine principal.",
                "required": True,
                "choices": ["Histoire", "Sciences"],
                "multiple": False,
            },
        },
        {
            "type": "text",
            "id": "acronym",
            "value": {
                "label": "Acronyme",
                "label_en": "Acronym",
                "help_text": "",
                "required": True,
                "max_length": 20,
            },
        },
    ]
    application = ApplicationFactory(call=CallFactory(questions=questions), lead=applicant)
    client.force_login(applicant)
    with translation.override("en"):
        address = reverse("applications:edit", args=[application.pk])
    page = text_of(client.get(address))
    assert 'lang="fr"' in element_around(page, "Domaine de recherche")
    assert 'lang="fr"' in element_around(page, "Choisissez le domaine principal.")
    assert 'lang="fr"' in element_around(page, ">Sciences<")
    assert "lang=" not in element_around(page, "Acronym")
