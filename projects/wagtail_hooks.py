"""The Wagtail admin: funding agreement templates (per kind of call and language, with a preview
on sample data), in a menu of their own for funded projects."""

from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from common.sandbox import offered_names

from .agreement_text import VARIABLES, sample_context
from .models import AgreementTemplate


def variables_help():
    """What an agreement template receives, for the editor (in the editor's language)."""
    meanings = {
        "network_name": gettext("the network's name"),
        "reference": gettext("the project's reference"),
        "title": gettext("the project's title"),
        "call_title": gettext("the call's title, in the agreement's language"),
        "programme": gettext("the call's programme"),
        "lead_name": gettext("the lead applicant's name"),
        "carrier": gettext("the administrative carrier: its name, acronym and city"),
        "finance_contact": gettext("the carrier's finance contact: name and e-mail"),
        "amount": gettext("the amount granted, written out in the agreement's language"),
        "duration_months": gettext("the project's duration, in months"),
        "from_signature": gettext(
            "true when the duration runs from the signature (no start and end dates then)"
        ),
        "start_date": gettext("the start date, written out"),
        "end_date": gettext("the end date, written out"),
        "schedule": gettext(
            "the payment schedule, a list: position, label, amount, share, planned date and "
            "condition of each instalment"
        ),
        "version": gettext("the version's number"),
        "reason": gettext("why this version was made"),
        "date": gettext("the date the version is made"),
    }
    sample = sample_context()
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
            "Write the agreement as plain text: its first field is its title, a blank line "
            "starts a new paragraph. Templates may use {{ variable }}, the tags {% if %} and "
            "{% for %}, and the filters date, money and default, over the variables below; "
            "anything else is refused when saving. The default agreements are in "
            "templates/projects/agreements/; a template for one kind of call takes precedence "
            "over the one for every kind. Agreements are written in the carrier's language. "
            "Use the preview to check the agreement with sample data before saving. Variables:"
        ),
        rows,
    )


class AgreementTemplateViewSet(SnippetViewSet):
    model = AgreementTemplate
    icon = "doc-full"
    menu_label = _("Agreement templates")
    list_display = ["__str__", "kind", "language", "title"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "body"]
    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("language")]),
        HelpPanel(content=lazy(variables_help, str)()),
        FieldPanel("title"),
        FieldPanel("body"),
    ]


class ProjectsGroup(SnippetViewSetGroup):
    items = (AgreementTemplateViewSet,)
    menu_icon = "folder-open-inverse"
    menu_label = _("Funded projects")
    menu_name = "projects"
    menu_order = 220


register_snippet(ProjectsGroup)
