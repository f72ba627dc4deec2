"""StreamField blocks of a call: the application form's questions and the FAQ.

Each question is a block; its stable block id is the key of the answer in an application.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Question"), max_length=255)
    label_en = blocks.CharBlock(label=_("Question in English"), max_length=255, required=False)
    help_text = blocks.TextBlock(label=_("Help text"), required=False)
    required = blocks.BooleanBlock(label=_("Answer required"), required=False, default=True)

    class Meta:
        abstract = True


class SectionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Section title"), max_length=255)
    title_en = blocks.CharBlock(label=_("Section title in English"), max_length=255, required=False)
    intro = blocks.TextBlock(label=_("Introduction"), required=False)

    class Meta:
        icon = "title"
        label = _("Section")


class TextQuestionBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(label=_("Maximum characters"), min_value=1, default=255)

    class Meta:
        icon = "pilcrow"
        label = _("Short text")


class LongTextQuestionBlock(QuestionBlock):
    max_words = blocks.IntegerBlock(label=_("Maximum words"), min_value=1, default=500)

    class Meta:
        icon = "doc-full"
        label = _("Long text")


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("Choice"), max_length=255), label=_("Choices"), min_num=2
    )
    multiple = blocks.BooleanBlock(label=_("Several choices allowed"), required=False)

    class Meta:
        icon = "list-ul"
        label = _("Choice")


class NumberQuestionBlock(QuestionBlock):
    min_value = blocks.DecimalBlock(label=_("Minimum"), required=False)
    max_value = blocks.DecimalBlock(label=_("Maximum"), required=False)

    class Meta:
        icon = "order"
        label = _("Number")


class DateQuestionBlock(QuestionBlock):
    class Meta:
        icon = "date"
        label = _("Date")


class FileQuestionBlock(QuestionBlock):
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
