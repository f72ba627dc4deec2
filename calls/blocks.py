"""StreamField blocks of a call: the application form's questions and the FAQ.

Each question is a block; its stable block id is the key of the answer in an application. Each
kind of question carries its behaviour as methods of its block, as Hypha's FormFieldBlock does:
the form field that asks it (form_field), how a typed answer is kept (parse), what is wrong with
an answer (answer_problems) and how an answer reads (answer_text). A frozen copy of the questions
(a submission's snapshot: raw StreamField data) reaches the same methods through
question_kind(question["type"]). Adding a kind of question touches this module only.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import formats
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from common.forms import DecimalInput, parse_decimal

from .translated import CONTENT_LANGUAGE, in_its_language

WORD = re.compile(r"\S+")
# Beyond 15 significant digits or this magnitude, a JSON number would not keep the number typed.
JSON_DIGITS = 15
# What HTML allows in the value of a number field and of a date field.
VALID_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
VALID_DATE = re.compile(r"\d{4,}-\d{2}-\d{2}")


def count_words(text) -> int:
    """Words as the counter under a long text counts them (runs of non-spaces)."""
    return len(WORD.findall(text or ""))


def in_language(value, key):
    """The English variant of a block's text when the page is in English and it is filled."""
    if language_in(value, key) == "en":
        return value[f"{key}_en"]
    return value.get(key) or ""


def language_in(value, key):
    """The language of what in_language(value, key) returns: "en" or "fr"."""
    if (get_language() or "fr").startswith("en") and value.get(f"{key}_en"):
        return "en"
    return CONTENT_LANGUAGE


def is_empty(answer) -> bool:
    return answer is None or answer == "" or answer == []


def as_number(answer):
    """The answer as a finite Decimal, or None when it is no number ("NaN", a word, a list)."""
    if isinstance(answer, bool):
        return None
    try:
        number = Decimal(str(answer))
    except (InvalidOperation, ValueError):  # ValueError: an integer too long to write
        return None
    return number if number.is_finite() else None


def as_date(answer):
    """The answer as a date when it is an ISO date, else None."""
    try:
        return dt.date.fromisoformat(str(answer))
    except ValueError:
        return None


def parse_number(raw):
    """A JSON number when the text is one that JSON keeps exactly ("12", "3,5", "45 000"), else
    the text: written with a dot when it is a number JSON cannot hold, as typed otherwise (not
    a number, or one with an exponent such as "1e309"). Read as common.forms reads numbers."""
    try:
        number = parse_decimal(raw)
    except ValueError:
        return raw
    if (
        abs(number.adjusted()) > JSON_DIGITS
        or len(number.normalize().as_tuple().digits) > JSON_DIGITS
    ):
        return f"{number:f}"  # the answer stays text, checked at submission
    if number == number.to_integral_value():
        return int(number)
    return float(number) if Decimal(repr(float(number))) == number else f"{number:f}"


def parse_date(raw):
    """An ISO date when the text is one (or a French dd/mm/yyyy date), else the text as typed."""
    for parse in (dt.date.fromisoformat, lambda text: dt.datetime.strptime(text, "%d/%m/%Y")):
        try:
            parsed = parse(raw.strip())
            # isoformat(): strftime("%Y") writes the year 1 as "1", which no longer parses.
            return (parsed.date() if isinstance(parsed, dt.datetime) else parsed).isoformat()
        except ValueError:
            continue
    return raw


class ValidNumberInput(forms.NumberInput):
    """A number field that leaves out of value= what is no number (an answer kept as typed, a
    word sent back with its error): HTML forbids it there and browsers empty the field anyway."""

    def format_value(self, value):
        value = super().format_value(value)
        return value if isinstance(value, str) and VALID_NUMBER.fullmatch(value) else None


class ValidDateInput(forms.DateInput):
    """A date field that likewise leaves out what is no ISO date."""

    def format_value(self, value):
        value = super().format_value(value)
        return value if isinstance(value, str) and VALID_DATE.fullmatch(value) else None


class QuestionBlock(blocks.StructBlock):
    """A question of the form. `value` below is the question's StructValue (its label, its
    limits), `answer` what an applicant answered, as stored in the application's JSON."""

    label = blocks.CharBlock(label=_("Question"), max_length=255)
    label_en = blocks.CharBlock(label=_("Question in English"), max_length=255, required=False)
    help_text = blocks.TextBlock(label=_("Help text"), required=False)
    required = blocks.BooleanBlock(label=_("Answer required"), required=False, default=True)

    is_section = False
    is_file = False  # answered by uploading files, not in the draft form
    is_text = False  # answered in words: may hold the project's summary
    missing_answer = _("This answer is required.")

    class Meta:
        abstract = True

    def label_text(self, value) -> str:
        return in_language(value, "label")

    def label_language(self, value) -> str:
        return language_in(value, "label")

    # The language of an answer as it reads: None for the applicant's own words (any language),
    # the content's for answers chosen among what staff wrote (in French only).
    answer_language = None

    def form_field(self, value, **options):
        """The draft form's field that asks the question; `options` are the form's (label, help
        text, required)."""
        return forms.CharField(**options)

    def parse(self, typed):
        """The answer as stored from what the form cleaned (drafts keep what does not parse)."""
        return typed

    def answer_problems(self, value, answer) -> list[str]:
        """What keeps `answer` from being submitted, as messages for the applicant."""
        if is_empty(answer):
            return [str(self.missing_answer)] if value["required"] else []
        return self.value_problems(value, answer)

    def value_problems(self, value, answer) -> list[str]:
        return []

    def answer_text(self, value, answer) -> str:
        """The answer as it reads in the active language, whatever shape it was stored in."""
        if is_empty(answer):
            return ""
        if isinstance(answer, list):
            return ", ".join(str(item) for item in answer)
        return str(answer)


class SectionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Section title"), max_length=255)
    title_en = blocks.CharBlock(label=_("Section title in English"), max_length=255, required=False)
    intro = blocks.TextBlock(label=_("Introduction"), required=False)

    is_section = True
    is_file = False
    is_text = False

    class Meta:
        icon = "title"
        label = _("Section")

    def title_text(self, value) -> str:
        return in_language(value, "title")

    def title_language(self, value) -> str:
        return language_in(value, "title")


class TextQuestionBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(label=_("Maximum characters"), min_value=1, default=255)

    is_text = True

    class Meta:
        icon = "pilcrow"
        label = _("Short text")

    def form_field(self, value, **options):
        return forms.CharField(
            widget=forms.TextInput(attrs={"maxlength": value["max_length"]}), **options
        )

    def value_problems(self, value, answer):
        if not isinstance(answer, str):
            return [gettext("Enter a text.")]
        if len(answer) > value["max_length"]:
            return [
                gettext("At most %(limit)s characters (this answer has %(count)s).")
                % {"limit": value["max_length"], "count": len(answer)}
            ]
        return []


class LongTextQuestionBlock(QuestionBlock):
    max_words = blocks.IntegerBlock(label=_("Maximum words"), min_value=1, default=500)

    is_text = True

    class Meta:
        icon = "doc-full"
        label = _("Long text")

    def form_field(self, value, **options):
        """A text area whose data-max-words asks the form for a live word counter."""
        widget = forms.Textarea(attrs={"rows": 8, "data-max-words": value["max_words"]})
        return forms.CharField(widget=widget, **options)

    def value_problems(self, value, answer):
        if not isinstance(answer, str):
            return [gettext("Enter a text.")]
        if count_words(answer) > value["max_words"]:
            return [
                gettext("At most %(limit)s words (this answer has %(count)s).")
                % {"limit": value["max_words"], "count": count_words(answer)}
            ]
        return []


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("Choice"), max_length=255), label=_("Choices"), min_num=2
    )
    multiple = blocks.BooleanBlock(label=_("Several choices allowed"), required=False)

    answer_language = CONTENT_LANGUAGE

    class Meta:
        icon = "list-ul"
        label = _("Choice")

    def form_field(self, value, **options):
        # The options, written in French only, say so on an English page.
        choices = [
            (choice, in_its_language(choice, self.answer_language)) for choice in value["choices"]
        ]
        if value["multiple"]:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **options
            )
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)

    def value_problems(self, value, answer):
        chosen = answer if isinstance(answer, list) else [answer]
        if not value["multiple"] and len(chosen) > 1:
            return [gettext("Choose only one answer.")]
        if any(item not in value["choices"] for item in chosen):
            return [gettext("Choose among the proposed answers.")]
        return []


class NumberQuestionBlock(QuestionBlock):
    min_value = blocks.DecimalBlock(label=_("Minimum"), required=False)
    max_value = blocks.DecimalBlock(label=_("Maximum"), required=False)

    class Meta:
        icon = "order"
        label = _("Number")

    def form_field(self, value, **options):
        # A text field (see common.forms): kept as typed in a draft, read at submission.
        return forms.CharField(widget=DecimalInput(), **options)

    def parse(self, typed):
        return parse_number(typed) if typed else typed

    def value_problems(self, value, answer):
        number = as_number(answer)
        if number is None:  # nor "NaN", "Infinity": no bound can be checked against them
            return [gettext("Enter a number.")]
        if value["min_value"] is not None and number < value["min_value"]:
            return [gettext("At least %(limit)s.") % {"limit": value["min_value"]}]
        if value["max_value"] is not None and number > value["max_value"]:
            return [gettext("At most %(limit)s.") % {"limit": value["max_value"]}]
        return []

    def answer_text(self, value, answer):
        number = as_number(answer)
        if number is None:
            return super().answer_text(value, answer)
        return formats.number_format(number, force_grouping=True)


class DateQuestionBlock(QuestionBlock):
    class Meta:
        icon = "date"
        label = _("Date")

    def form_field(self, value, **options):
        return forms.CharField(widget=ValidDateInput(attrs={"type": "date"}), **options)

    def parse(self, typed):
        return parse_date(typed) if typed else typed

    def value_problems(self, value, answer):
        return [] if as_date(answer) else [gettext("Enter a valid date.")]

    def answer_text(self, value, answer):
        day = as_date(answer)
        if day is None:
            return super().answer_text(value, answer)
        return formats.date_format(day, "DATE_FORMAT")


class FileQuestionBlock(QuestionBlock):
    """Answered by the files attached to the question: they are its `answer` when checked."""

    accepted_types = blocks.MultipleChoiceBlock(
        label=_("Accepted file types"),
        choices=[
            ("pdf", "PDF"),
            ("odt", _("OpenDocument text")),
            ("docx", "Word (docx)"),
            ("ods", _("OpenDocument spreadsheet")),
            ("xlsx", "Excel (xlsx)"),
            ("png", "PNG"),
            ("jpeg", "JPEG"),
        ],
        default=["pdf"],
    )
    max_size_mb = blocks.IntegerBlock(
        label=_("Maximum size (MB)"), min_value=1, max_value=50, default=10
    )

    is_file = True
    missing_answer = _("Attach the requested file.")

    class Meta:
        icon = "doc-empty"
        label = _("File")


class QuestionsBlock(blocks.StreamBlock):
    section = SectionBlock()
    text = TextQuestionBlock()
    long_text = LongTextQuestionBlock()
    choice = ChoiceQuestionBlock()
    number = NumberQuestionBlock()
    date = DateQuestionBlock()
    file = FileQuestionBlock()


QUESTION_KINDS = QuestionsBlock().child_blocks
ANY_QUESTION = QuestionBlock()


def question_kind(name):
    """The block of a kind of question by its name in the form's data ("date", "file"...), as a
    frozen copy of the questions names it; a kind no longer offered reads as a plain answer."""
    return QUESTION_KINDS.get(name) or ANY_QUESTION


def frozen_question(question):
    """(block, value) of one question as frozen in raw StreamField data ({"type", "id", "value"}):
    the value typed as the live block's (limits as Decimal, choices as a list)."""
    kind = question_kind(question.get("type"))
    return kind, kind.to_python(question.get("value") or {})


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=255)
    answer = blocks.RichTextBlock(
        label=_("Answer"), features=["bold", "italic", "link", "ul", "ol"]
    )

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQBlock(blocks.StreamBlock):
    item = FAQItemBlock()
