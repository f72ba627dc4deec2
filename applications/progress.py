"""Where a draft stands, part by part, by the checks that submission runs.

The parts are those of the draft page: the title, each section of questions, the disciplines and
keywords, the team, the budget and the attachments. A part is complete when submission finds no
problem in it (applications.validation.submission_problems, grouped here by where each problem
belongs); no rule is stated twice. The draft page lists them with a link to each; the summary
before submitting links each problem back to its field.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .validation import submission_problems


@dataclass
class Part:
    """A part of the draft page: `anchor` is its id there, `problems` what submission refuses."""

    anchor: str
    label: str
    problems: list = field(default_factory=list)
    optional: bool = False  # no submission rule asks for it (disciplines and keywords)
    filled: bool = True

    @property
    def is_complete(self):
        return not self.problems and self.filled

    @property
    def is_optional(self):
        return self.optional and not self.filled

    @property
    def state(self):
        """Complete, optional or incomplete: said in words (state_text), not by colour alone."""
        if self.is_complete:
            return "complete"
        return "optional" if self.is_optional else "incomplete"

    @property
    def state_text(self):
        return {
            "complete": pgettext("part of an application", "Complete"),
            "optional": pgettext("part of an application", "Optional"),
            "incomplete": pgettext("part of an application", "To complete"),
        }[self.state]


def item_key(item):
    """The problem key of an item of a form section: a question's field or a file question."""
    return f"answers.{item.id if getattr(item, 'is_file', False) else item.name}"


def draft_parts(application, drafts, problems):
    """The parts of `application`'s draft page, each with its problems from `problems` (what
    submission_problems returned); the problems of the whole ("__all__") belong to no part."""
    form = drafts.form

    def found(*keys):
        return [message for key in keys for message in problems.get(key, [])]

    parts = [Part("id_title", _("Project title"), found("title"))]
    for section in form.sections:
        keys = [item_key(item) for item in section.items]
        if keys:
            parts.append(
                Part(
                    section_anchor(section),
                    section.title or pgettext("part of an application", "Questions"),
                    found(*keys),
                )
            )
    has_matching = bool(application.keywords.strip() or application.disciplines.exists())
    parts.append(
        Part("matching", _("Disciplines and keywords"), optional=True, filled=has_matching)
    )
    if application.call.grants_labels:
        parts.append(Part("collection", _("The collection"), found("collection")))
    if application.call.asks_for_collections:
        used = application.collections_used.exists()
        parts.append(Part("collections-used", _("Collections used"), optional=True, filled=used))
    parts.append(Part("team", _("Team"), found("team")))
    if drafts.budget is not None:
        parts.append(Part("budget", _("Budget"), found("budget")))
    files = list(drafts.file_questions)
    if files:
        keys = ["attachments", *(f"answers.{question}" for question in files)]
        parts.append(Part(f"question-{files[0]}", _("Attachments"), found(*keys)))
    return parts


def part_states(application, drafts, now):
    """{anchor: {"state", "text"}} of each part, as the draft page's script updates its list
    after an autosave."""
    problems = submission_problems(application, now)
    return {
        part.anchor: {"state": part.state, "text": part.state_text}
        for part in draft_parts(application, drafts, problems)
    }


def section_anchor(section):
    return section.id or "questions"


def problem_links(drafts, problems):
    """(anchor on the draft page, label, message) for each problem, as the draft page lists them
    (DraftForms.show_problems); the total size of the files points to the first file question."""
    first_file = next(iter(drafts.file_questions), None)
    links = []
    for anchor, label, message in drafts.show_problems(problems):
        if anchor == "attachments":
            anchor = f"question-{first_file}" if first_file else ""
        links.append((anchor, label, message))
    return links
