"""The draft form: the project title and the call's own questions, the team and the budget.

Drafts are lenient: answers are kept as typed (a number or a date that does not parse stays a
string); the strict rules are checked at submission (applications.validation).
"""

import unicodedata
from decimal import Decimal

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.forms import OrcidField
from accounts.models import Discipline, Institution

# The number and date widgets are also imported from here by the staff's forms.
from calls.blocks import ValidDateInput, ValidNumberInput, count_words  # noqa: F401
from calls.translated import CONTENT_LANGUAGE, in_its_language
from common.forms import DecimalField, error_summary

from .models import Application, BudgetLine, ExcludedReviewer, TeamMember
from .snapshot import Section, answer_sections


class ApplicationForm(forms.Form):
    """One field per question of the call, named by the question's block id."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Project title"), max_length=255, required=False)

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.questions = {}  # {block id: the block of its kind}, for the questions typed here
        self.labels = {"title": _("Project title")}
        self.fields["title"].label = format_html(
            '{}<span class="asteriskField">*</span>', self.labels["title"]
        )
        self.sections = [Section()]
        for block in call.questions:
            kind, value = block.block, block.value
            if kind.is_section:
                self.sections.append(
                    Section(f"section-{block.id}", kind.title_text(value), value["intro"])
                )
            elif kind.is_file:
                self.sections[-1].items.append(FileQuestion(block))
            else:
                self.questions[block.id] = kind
                self.fields[block.id] = self.question_field(block)
                self.sections[-1].items.append(self[block.id])
        self.sections = [section for section in self.sections if section.items or section.title]
        for name in self.questions:
            if "data-max-words" in self.fields[name].widget.attrs:
                self.add_word_counter(self[name])

    def add_word_counter(self, field):
        """ "N / max words" under a long text, counted here and kept up to date by word-count.js;
        being part of the help text, it is announced with the field (aria-describedby)."""
        widget = field.field.widget
        widget.attrs["data-word-counter"] = f"{field.auto_id}_words"
        template = _("%(count)s / %(max)s words")
        limit = widget.attrs["data-max-words"]
        value = field.value() if isinstance(field.value(), str) else ""
        field.help_text = field.field.help_text = format_html(
            '{}<span class="d-block word-count" id="{}" data-template="{}">{}</span>',
            field.field.help_text,
            widget.attrs["data-word-counter"],
            template,
            template % {"count": count_words(value), "max": limit},
        )

    def question_field(self, block):
        """The field its kind of question asks with, labelled in the page's language."""
        value = block.value
        label = block.block.label_text(value)
        self.labels[block.id] = label
        # Marked lang="fr" on an English page when the call has no English (calls.translated).
        label = in_its_language(label, block.block.label_language(value))
        if value["required"]:  # shown as required, checked only at submission
            label = format_html('{}<span class="asteriskField">*</span>', label)
        return block.block.form_field(
            value,
            label=label,
            help_text=in_its_language(value.get("help_text") or "", CONTENT_LANGUAGE),
            required=False,  # checked at submission, never when saving a draft
        )

    def answers(self):
        """The answers as they are stored: numbers and dates parsed when they parse."""
        answers = {}
        for name, kind in self.questions.items():
            value = self.cleaned_data.get(name)
            answers[name] = "" if value is None else kind.parse(value)
        return answers

    @classmethod
    def initial_for(cls, application):
        initial = {"version": application.version, "title": application.title}
        # Numbers stay numbers: their field shows them in the page's language.
        return initial | application.answers


def readable_answers(form):
    """The sections of the form with each answer as it reads (the same reading as the receipt
    and the reviewer's dossier, applications.snapshot.answer_sections), each file question with
    its attachments, for the read-only page."""
    files = {
        item.id: item
        for section in form.sections
        for item in section.items
        if getattr(item, "is_file", False)
    }
    return [
        (section, [readable(item) for item in section.items])
        for section in answer_sections(form.call.questions.raw_data, form.initial, files)
    ]


def read_only_context(application, drafts=None):
    """What the read-only rendering of an application shows (applications/partials/read_only.html):
    its answers by section, team, budget and people to exclude, as saved. The summary before
    submitting and the staff's screening page show it alike."""
    from .collections import page_context

    return {
        **page_context(application),
        "answers": readable_answers((drafts or DraftForms(application)).form),
        "team": application.team.select_related("institution"),
        "budget_lines": application.budget_lines.all(),
        "totals": application.budget_totals(),
        "excluded_reviewers": application.excluded_reviewers.all(),
    }


def readable(answer):
    languages = {"label_language": answer.label_language, "value_language": answer.value_language}
    if answer.is_file:
        return {"label": answer.label, "file": answer.files, **languages}
    return {"label": answer.label, "value": answer.value, **languages}


class FileQuestion:
    """A file question: its attachments are uploaded by their own form, not the draft's."""

    is_file = True

    def __init__(self, block):
        self.id = block.id
        self.label = block.block.label_text(block.value)
        self.label_language = block.block.label_language(block.value)
        self.help_text = block.value.get("help_text", "")
        self.required = block.value["required"]
        self.accepted_types = block.value["accepted_types"]
        self.max_size_mb = block.value["max_size_mb"]
        self.attachments = []
        self.errors = []

    @property
    def accept(self):
        return ",".join(f".{kind}" for kind in self.accepted_types)


class RowForm(forms.ModelForm):
    """A row of the team or the budget; rows left blank are ignored."""

    def row(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class RowFormSet(forms.BaseFormSet):
    """Every row may be left blank (it is then ignored), even one that was saved before."""

    remove_label = _("Remove")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = self.remove_label

    def _construct_form(self, i, **kwargs):
        return super()._construct_form(i, **kwargs, empty_permitted=True)


class TeamMemberForm(RowForm):
    # A plain choice, listed once per page rather than once per row.
    institution = forms.TypedChoiceField(
        label=_("Institution"), coerce=int, empty_value=None, required=False
    )
    orcid = OrcidField()
    field_order = ["name", "email", "orcid", "institution", "institution_name", "role", "is_lead"]

    class Meta:
        model = TeamMember
        fields = ["name", "email", "orcid", "institution_name", "role", "is_lead"]

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", "---------"), *institutions]

    def row(self):
        return super().row() | {"institution_id": self.cleaned_data["institution"]}


class EuroField(DecimalField):
    """Euros as typed in French or English ("1 500,50", "1,500.50", "1500 €"), shown to the
    cent in the page's language."""


class BudgetLineForm(RowForm):
    amount_requested = EuroField(
        label=_("Amount requested (EUR)"), min_value=0, decimal_places=2, required=False
    )
    cofunding = EuroField(
        label=_("Co-funding (EUR)"), min_value=0, decimal_places=2, required=False
    )

    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount_requested", "cofunding"]

    def row(self):
        row = super().row()
        for name in ("amount_requested", "cofunding"):
            row[name] = row[name] or Decimal("0")
        return row


class ExcludedReviewerForm(RowForm):
    class Meta:
        model = ExcludedReviewer
        fields = ["name", "email", "institution_name", "reason"]
        labels = {"institution_name": _("Institution")}
        help_texts = {"reason": _("Why this person should not review your application.")}


MAX_KEYWORDS = 10


def folded(text):
    """For sorting: lower case without accents ("Économie" between "Droit" and "Histoire")."""
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()


def keyword_list(text):
    """The keywords typed as "a, b; c", in their order, without blanks."""
    return [word.strip() for word in text.replace(";", ",").split(",") if word.strip()]


class MatchingForm(forms.Form):
    """What the project is about, to find reviewers with the right expertise."""

    disciplines = forms.ModelMultipleChoiceField(
        label=_("Disciplines"),
        queryset=Discipline.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick the fields of research the project belongs to."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=500,
        required=False,
        help_text=Application._meta.get_field("keywords").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="matching", **kwargs)
        choices = list(self.fields["disciplines"].choices)
        if not choices:
            del self.fields["disciplines"]  # none in the directory yet: nothing to tick
        else:
            # Listed once (not once per use), in the alphabetical order of the page's language.
            self.fields["disciplines"].choices = sorted(
                choices, key=lambda choice: folded(choice[1])
            )

    def clean_keywords(self):
        keywords = keyword_list(self.cleaned_data["keywords"])
        if len(keywords) > MAX_KEYWORDS:
            raise forms.ValidationError(
                _("Give at most %(max)s keywords (there are %(count)s).")
                % {"max": MAX_KEYWORDS, "count": len(keywords)}
            )
        return ", ".join(keywords)

    @classmethod
    def initial_for(cls, application):
        return {
            "keywords": application.keywords,
            "disciplines": [discipline.pk for discipline in application.disciplines.all()],
        }


class TeamRowsFormSet(RowFormSet):
    remove_label = _("Remove this member")


class BudgetRowsFormSet(RowFormSet):
    remove_label = _("Remove this line")


class ExcludedRowsFormSet(RowFormSet):
    """As many rows as the call allows; more filled-in rows than that are refused."""

    remove_label = _("Remove this person")

    def clean(self):
        if any(self.errors):
            return
        count = len(rows(self))
        if count > self.max_num:
            raise forms.ValidationError(
                ngettext(
                    "This call lets you name at most %(max)s person to exclude as a reviewer; "
                    "you named %(count)s.",
                    "This call lets you name at most %(max)s people to exclude as reviewers; "
                    "you named %(count)s.",
                    self.max_num,
                )
                % {"max": self.max_num, "count": count}
            )


TeamFormSet = forms.formset_factory(
    TeamMemberForm, formset=TeamRowsFormSet, extra=1, can_delete=True, max_num=50
)
BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BudgetRowsFormSet, extra=1, can_delete=True, max_num=100
)


def excluded_formset(limit):
    """The rows of people to exclude: `limit` of them, the call's maximum."""
    return forms.formset_factory(
        ExcludedReviewerForm,
        formset=ExcludedRowsFormSet,
        extra=limit,
        max_num=limit,
        can_delete=True,
    )


def rows(formset):
    """The rows the applicant filled in and did not mark for removal, in page order."""
    return [
        form.row()
        for form in formset.forms
        if form.has_changed() and not (formset.can_delete and formset._should_delete_form(form))
    ]


def team_initial(application):
    return [
        {name: getattr(member, name) for name in TeamMemberForm._meta.fields}
        | {"institution": member.institution_id}
        for member in application.team.all()
    ]


def institution_choices():
    return [
        (pk, str(Institution(name=name, acronym=acronym)))
        for pk, name, acronym in Institution.objects.values_list("pk", "name", "acronym")
    ]


def excluded_initial(application):
    return [
        {name: getattr(person, name) for name in ExcludedReviewerForm._meta.fields}
        for person in application.excluded_reviewers.all()
    ]


def budget_initial(application):
    return [
        {name: getattr(line, name) for name in BudgetLineForm._meta.fields}
        for line in application.budget_lines.all()
    ]


# The session key of a file refused by its own form: {question id: [message]}, shown once
# beside the file field when the page comes back.
REFUSED_FILE = "refused_file"


class DraftForms:
    """The parts of the draft page, bound together to the same data: the form, its disciplines
    and keywords, the team, the budget and the people to exclude as reviewers."""

    def __init__(self, application, data=None):
        call = application.call
        team = {"prefix": "team", "form_kwargs": {"institutions": institution_choices()}}
        limit = call.max_excluded_reviewers
        Excluded = excluded_formset(limit)
        if data is None:
            self.form = ApplicationForm(call=call, initial=ApplicationForm.initial_for(application))
            self.matching = MatchingForm(initial=MatchingForm.initial_for(application))
            self.team = TeamFormSet(initial=team_initial(application), **team)
            self.budget = BudgetFormSet(prefix="budget", initial=budget_initial(application))
            self.excluded = Excluded(prefix="excluded", initial=excluded_initial(application))
        else:
            # Bound without initial: a row "has changed" when something is typed in it.
            self.form = ApplicationForm(data, call=call)
            self.matching = MatchingForm(data)
            self.team = TeamFormSet(data, **team)
            self.budget = BudgetFormSet(data, prefix="budget")
            self.excluded = Excluded(data, prefix="excluded")
        if not call.funds_projects:
            self.budget = None  # a call that funds nothing asks for no budget
        if not limit:
            self.excluded = None  # a call that lets applicants exclude nobody asks for nobody
        self.file_questions = {
            item.id: item
            for section in self.form.sections
            for item in section.items
            if getattr(item, "is_file", False)
        }
        for attachment in application.attachments.all():
            if attachment.question_id in self.file_questions:
                self.file_questions[attachment.question_id].attachments.append(attachment)

    def is_valid(self):
        """The title, answers, disciplines and keywords; the rows (team, budget, people to
        exclude) are checked on their own."""
        form_valid = self.form.is_valid()
        return self.matching.is_valid() and form_valid

    def typed_errors(self):
        """What was refused in what the page sent, for the summary: (anchor, label, message)."""
        parts = (self.form, self.matching, self.team, self.budget, self.excluded)
        return error_summary(*parts)

    def show_problems(self, problems):
        """Put the problems of a refused submission next to their fields; returns the summary:
        (anchor, label, message) for the list at the top of the page."""
        form, summary = self.form, []
        if problems:
            form.errors  # noqa: B018 (cleans a bound form; an unbound one gets empty errors)
            if not hasattr(form, "cleaned_data"):
                form.cleaned_data = {}
        labels = {
            "team": _("Team"),
            "budget": _("Budget"),
            "attachments": _("Attachments"),
            "collection": _("The collection"),
            "__all__": "",
        }
        for key, messages in problems.items():
            name = key.removeprefix("answers.")
            if name in form.fields:
                form.add_error(name, list(messages))
                suffix = (
                    "_0"
                    if isinstance(
                        form.fields[name].widget, forms.RadioSelect | forms.CheckboxSelectMultiple
                    )
                    else ""
                )
                anchor, label = f"id_{name}{suffix}", form.labels[name]
            elif name in self.file_questions:
                self.file_questions[name].errors.extend(messages)
                anchor, label = f"upload-{name}-file", self.file_questions[name].label
            elif key == "budget" and self.budget is not None:
                anchor, label = self.mark_amounts(), labels["budget"]
            else:
                anchor, label = (key if key != "__all__" else ""), labels.get(key, key)
            summary.extend((anchor, label, message) for message in messages)
        return summary

    def mark_amounts(self):
        """The budget's problems are about the total requested (missing, or above the call's
        maximum): the amounts it adds up are marked invalid and described by the message shown
        above the lines (#budget-problems). Returns the id of the first, for the summary."""
        lines = [
            form for form in self.budget if form["amount_requested"].value() not in (None, "")
        ] or self.budget.forms[:1]
        marks = {
            "class": "is-invalid",
            "aria-invalid": "true",
            "aria-describedby": "budget-problems",
        }
        for form in lines:
            form.fields["amount_requested"].widget.attrs.update(marks)
        return lines[0]["amount_requested"].auto_id if lines else "budget"
