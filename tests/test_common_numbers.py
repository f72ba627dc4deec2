"""Numbers typed as people write them, in French and English pages, whatever the browser's
language: the field reads the text itself (it is no type="number" input) and shows its value
back in the page's language."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from common.forms import DecimalField, error_summary, parse_decimal
from tests.reading import flat

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("3,5", "3.5"),
        ("3.5", "3.5"),
        ("45 000,00", "45000.00"),
        ("45 000", "45000"),
        (f"45{NNBSP}000,50", "45000.50"),
        (f"45{NBSP}000,50{NBSP}€", "45000.50"),
        ("45,000.00", "45000.00"),
        ("1.500,50", "1500.50"),
        ("1,234,567", "1234567"),
        ("-2", "-2"),
    ],
)
def test_both_languages_read_the_usual_ways_of_writing_a_number(language, typed, number):
    assert parse_decimal(typed, language) == Decimal(number)


def test_one_comma_and_three_digits_are_thousands_in_english_only():
    assert parse_decimal("45,000", "en") == Decimal("45000")
    assert parse_decimal("45,000", "fr") == Decimal("45")
    assert parse_decimal("3,50", "en") == Decimal("3.5")


@pytest.mark.parametrize("typed", ["abc", "3,5,", "1e5", "NaN", "Infinity", "3 et demi", ","])
def test_what_is_no_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed, "fr")


class AmountForm(forms.Form):
    amount = DecimalField(label="Montant", decimal_places=2, max_digits=12)


@pytest.mark.parametrize(
    ("language", "typed"), [("fr", "45 000,00"), ("en", "45,000.00"), ("en", "3,5")]
)
def test_the_field_takes_the_text_in_either_language(language, typed):
    with translation.override(language):
        form = AmountForm({"amount": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == parse_decimal(typed, language)


def test_the_field_shows_its_value_in_the_pages_language_in_a_text_input():
    with translation.override("fr"):
        french = str(AmountForm(initial={"amount": Decimal("45000")})["amount"])
    with translation.override("en"):
        english = str(AmountForm(initial={"amount": Decimal("45000")})["amount"])
    assert 'type="text"' in french and 'inputmode="decimal"' in french
    assert f'value="45{NBSP}000,00"' in french
    assert 'value="45,000.00"' in english
    assert "min=" not in french and "step=" not in french


def test_what_was_typed_comes_back_as_typed_with_a_clear_refusal_beside_the_field():
    with translation.override("fr"):
        form = AmountForm({"amount": "quarante"})
        assert not form.is_valid()
        field = str(form["amount"])
        message = form.errors["amount"][0]
        summary = error_summary(form)
    assert 'value="quarante"' in field
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_amount_error"' in field
    assert flat(message) == "« quarante » n’est pas un nombre. Écrivez-le ainsi : 1 500,50."
    assert summary == [("id_amount", "Montant", message)]
    with translation.override("en"):
        form = AmountForm({"amount": "forty"})
        form.is_valid()
        assert form.errors["amount"] == ["“forty” is not a number. Type it like this: 1,500.50."]
