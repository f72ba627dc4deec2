"""The Wagtail admin: decision letter templates (per kind of call, outcome and language, with a
preview on sample data) and budget envelopes (per programme and year)."""

from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from common.sandbox import offered_names

from .letters import VARIABLES, sample_context
from .models import Envelope, LetterTemplate, Outcome


def variables_help():
    """What a letter template receives, for the editor (in the editor's language)."""
    meanings = {
        "reference": gettext("the application's reference"),
        "title": gettext("the project's title"),
        "call_title": gettext("the call's title, in the letter's language"),
        "outcome": gettext("funded, reserve, rejected, labelled or withdrawn"),
        "outcome_label": gettext("the decision, in words"),
        "amount": gettext("the amount granted, written out in the letter's language"),
        "conditions": gettext("the conditions of the funding"),
        "reserve_rank": gettext("the rank on the reserve list"),
        "motivation": gettext("the motivation of the decision"),
        "meeting_date": gettext("the date of the deciding body's meeting"),
        "deciding_body": gettext("the deciding body, with its article (the members' council)"),
        "lead_name": gettext("the lead applicant's name"),
        "network_name": gettext("the network's name"),
        "comments": gettext(
            "the reviewers' comments meant for the applicant, a list, without their names"
        ),
        "date": gettext("today's date"),
        "label": gettext(
            "for a labelled collection: the label's first and last days, the collection's name "
            "and the address of its public page"
        ),
        "application": gettext("the application"),
        "call": gettext("the call"),
    }
    sample = sample_context(Outcome.FUNDED)
    rows = format_html_join(
        "",
        "<li><code>{}</code>: {}</li>",
        (
            (", ".join(offered_names({name: sample[name]})), meanings.get(name, ""))
            for name in VARIABLES
        ),
    )
    return format_html(
        "<p>{}</p><ul>{}</ul>",
        gettext(
            "Write the letter as plain text: a blank line starts a new paragraph. Templates may "
            "use {{ variable }}, the tags {% if %} and {% for %}, and the filters date, money "
            "and default, over the variables below; anything else is refused when saving. The "
            "default letters are in templates/decisions/letters/; a template for one kind of "
            "call takes precedence over the one for every kind. Use the preview to check the "
            "letter with sample data before saving. Variables:"
        ),
        rows,
    )


class LetterTemplateViewSet(SnippetViewSet):
    model = LetterTemplate
    icon = "mail"
    menu_label = _("Letter templates")
    list_display = ["__str__", "kind", "outcome", "language", "subject"]
    list_filter = ["kind", "outcome", "language"]
    search_fields = ["subject", "body"]
    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("outcome"), FieldPanel("language")]),
        HelpPanel(content=lazy(variables_help, str)()),
        FieldPanel("subject"),
        FieldPanel("body"),
    ]


class EnvelopeViewSet(SnippetViewSet):
    model = Envelope
    icon = "table"
    menu_label = _("Budget envelopes")
    list_display = ["__str__", "programme", "year", "amount", "note"]
    list_filter = ["year", "programme"]
    panels = [
        FieldRowPanel([FieldPanel("programme"), FieldPanel("year")]),
        FieldPanel("amount"),
        FieldPanel("note"),
    ]


class DecisionsGroup(SnippetViewSetGroup):
    items = (LetterTemplateViewSet, EnvelopeViewSet)
    menu_icon = "tasks"
    menu_label = _("Decisions")
    menu_name = "decisions"
    menu_order = 210


register_snippet(DecisionsGroup)
