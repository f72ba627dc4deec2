"""Numbers typed as people write them, and the list of what a page refused.

A number field is a text field (inputmode="decimal"), never type="number": a browser parses a
number input in its own language, so "3,5" typed in a Chromium set to English reached the server
as "35". Here the server reads the text: "3,5", "3.5", "45 000,00", "45,000.00", "1 500 €", with
any kind of space, in French and in English pages alike, and shows the value back in the page's
language ("45 000,00" in French, "45,000.00" in English).
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Every space a keyboard, a copy from a spreadsheet or Django's French format can put in a number.
SPACES = re.compile(r"[\s\u00a0\u2009\u202f]")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")  # 1,500 / 1,500.50 / 1,234,567
POINT_GROUPS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?")  # 1.500,50 / 1.234.567


def parse_decimal(text, language=None) -> Decimal:
    """The number in `text`, or ValueError. A comma or a point is the decimal separator, unless
    it separates groups of three digits before the other one ("1.500,50", "1,500.50") or is
    repeated ("1,234,567"). One comma before three digits groups thousands on an English page
    ("45,000") and is a decimal comma on a French one ("45,000" = 45); "3,5" is three and a half
    in both."""
    text = SPACES.sub("", str(text)).replace("€", "")
    english = (language or get_language() or "fr").startswith("en")
    if COMMA_GROUPS.fullmatch(text) and (english or "." in text or text.count(",") > 1):
        text = text.replace(",", "")
    elif POINT_GROUPS.fullmatch(text) and ("," in text or text.count(".") > 1):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    if not PLAIN_NUMBER.fullmatch(text):  # nor "1e5", "NaN", "Infinity"
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover (the pattern lets only numbers through)
        raise ValueError(text) from error


def localized_number(value, decimal_places=None) -> str:
    """A number as the page's language writes it, thousands grouped: "45 000,00" / "45,000.00";
    with `decimal_places` None, as many decimals as it has ("3,5", "4")."""
    number = Decimal(str(value))
    if decimal_places is None:
        number = number.normalize()
        decimal_places = max(-number.as_tuple().exponent, 0)
    return formats.number_format(
        number, decimal_pos=decimal_places, use_l10n=True, force_grouping=True
    )


def number_example(decimal_places=None):
    """What the refusal of a number shows as an example, in the page's language."""
    if decimal_places:
        return localized_number(Decimal("1500.5"), decimal_places)
    return _("%(whole)s or %(half)s") % {"whole": "3", "half": localized_number(Decimal("3.5"))}


class DecimalInput(forms.TextInput):
    """A text input for a number, shown in the page's language; what was typed (a value sent
    back with its error) is shown as typed."""

    def __init__(self, attrs=None, decimal_places=None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})
        self.decimal_places = decimal_places

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return localized_number(value, self.decimal_places)
        return super().format_value(value)


class DecimalField(forms.DecimalField):
    """A decimal number typed in French or English (see parse_decimal), refused with an example
    in the person's language when it is none."""

    widget = DecimalInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if isinstance(self.widget, DecimalInput) and self.widget.decimal_places is None:
            self.widget.decimal_places = self.decimal_places

    def widget_attrs(self, widget):
        return {}  # no min, max or step: they belong to number inputs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        try:
            return parse_decimal(value)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a number. Type it like this: %(example)s."),
                code="invalid",
                params={"value": value, "example": number_example(self.decimal_places)},
            ) from None


def posted_version(request, default=0):
    """The version a form was opened on (its hidden "version" field), or `default` when the
    POST carries none that reads as a number."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return default


def field_anchor(bound_field):
    """The id a link to the field goes to: its input, or its first option in a list."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def field_label(bound_field):
    """The field's label as text, without the asterisk that marks it required."""
    return strip_tags(str(bound_field.label or "")).strip().rstrip("*").strip()


def error_summary(*forms_and_formsets):
    """(anchor, label, message) for each error of these forms and formsets, in page order, for
    the summary at the top of the page (RGAA 11.10): each message links to its field."""
    summary = []
    for item in forms_and_formsets:
        if item is None or not item.is_bound:
            continue
        if isinstance(item, forms.BaseFormSet):
            summary.extend(("", "", message) for message in item.non_form_errors())
            summary.extend(error_summary(*item.forms))
            continue
        summary.extend(("", "", message) for message in item.non_field_errors())
        labels = getattr(item, "summary_labels", {})  # where a label alone says too little
        for bound_field in item:
            label = labels.get(bound_field.name) or field_label(bound_field)
            for message in bound_field.errors:
                summary.append((field_anchor(bound_field), label, message))
    return summary


def show_refusal(form, error):
    """A service's refusal (common.errors.Refused) on `form`: each problem beside its field, or
    at the top when the form has no such field; its own message at the top."""
    problems = error.problems if isinstance(error.problems, dict) else {None: error.problems}
    for field, texts in problems.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)
    if error.message or not error.problems:
        form.add_error(None, str(error.message or error))
