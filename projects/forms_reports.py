"""The report's draft form: its frozen questions asked through the application form's own
machinery (applications.forms.ApplicationForm builds a field per question from its block), and
for a financial statement the spending per budget category, typed in French or English."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applications.forms import ApplicationForm, EuroField, FileQuestion
from calls.blocks import QuestionsBlock
from common.forms import field_anchor

from .report_spending import granted_by_category
from .reports import has_spending, in_draft


class FrozenQuestions:
    """What ApplicationForm reads of a call, its questions, from a report's frozen copy (raw
    StreamField data read back as blocks: a call edited later changes nothing here)."""

    def __init__(self, questions):
        self.questions = QuestionsBlock().to_python(list(questions or []))


def spending_field(category):
    return f"spending_{category}"


class ReportForm(ApplicationForm):
    """One field per question of the report, named by the question's block id, and one amount
    per budget category granted when the report states the spending."""

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, call=FrozenQuestions(report.questions), **kwargs)
        del self.fields["title"]
        del self.labels["title"]
        self.spending = {}  # {category: field name}
        if has_spending(report):
            for category in granted_by_category(report.project):
                name = spending_field(category)
                self.spending[category] = name
                self.fields[name] = EuroField(
                    label=_("Spent"), min_value=0, decimal_places=2, required=False
                )
                self.labels[name] = _("Spent")

    def spent(self):
        """{category: amount} of the amounts typed; None when the report states no spending."""
        if not self.spending:
            return None
        return {
            category: self.cleaned_data[name]
            for category, name in self.spending.items()
            if self.cleaned_data.get(name) is not None
        }

    @classmethod
    def initial_for(cls, report):
        initial = {"version": report.version} | report.answers
        return initial | {
            spending_field(category): amount for category, amount in report.spending.items()
        }


class ReportForms:
    """The parts of the report's page, bound together: the form and its file questions."""

    def __init__(self, report, data=None):
        if data is None:
            self.form = ReportForm(report=report, initial=ReportForm.initial_for(report))
        else:
            self.form = ReportForm(data, report=report)
        self.file_questions = {
            item.id: item
            for section in self.form.sections
            for item in section.items
            if isinstance(item, FileQuestion)
        }
        for attachment in in_draft(report):
            if attachment.question_id in self.file_questions:
                self.file_questions[attachment.question_id].attachments.append(attachment)
        self.changes_asked = []  # the labels of the answers staff asked to change
        if report.changes_requested:
            self.mark_changes(report.changes_on)

    def mark_changes(self, names):
        """The answers staff asked to change (projects.report_review), said above their help."""
        said = _("Programme staff asked you to change this answer.")
        for name in names:
            label = self.changed_label(name)
            if label:
                self.changes_asked.append(label)
            if name in self.form.questions:
                bound = self.form[name]  # the one the page's sections show
                bound.help_text = bound.field.help_text = format_html(
                    '<strong class="d-block change-asked">{}</strong>{}', said, bound.help_text
                )
            elif name in self.file_questions:
                question = self.file_questions[name]
                question.help_text = f"{said} {question.help_text}".strip()

    def changed_label(self, name):
        if name == "spending":
            return _("Spending per budget category")
        if name in self.form.questions:
            return self.form.labels.get(name) or self.form[name].label
        if name in self.file_questions:
            return self.file_questions[name].label
        return ""

    def show_problems(self, problems):
        """Each problem of a refused submission beside its field; returns the summary:
        (anchor, label, message) for the list at the top of the page."""
        form, summary = self.form, []
        if problems:
            form.errors  # noqa: B018 (cleans a bound form; an unbound one gets empty errors)
            if not hasattr(form, "cleaned_data"):
                form.cleaned_data = {}
        for key, messages in problems.items():
            name = key.removeprefix("answers.")
            if key.startswith("spending."):
                name = spending_field(key.removeprefix("spending."))
            if name in form.fields:
                form.add_error(name, list(messages))
                anchor, label = field_anchor(form[name]), form.labels.get(name, "")
            elif name in self.file_questions:
                self.file_questions[name].errors.extend(messages)
                anchor, label = f"upload-{name}-file", self.file_questions[name].label
            else:
                anchor, label = "", ""
            summary.extend((anchor, label, message) for message in messages)
        return summary
