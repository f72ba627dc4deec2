"""The Wagtail admin: message templates (edited per language, with a preview on sample data) and
a link to the delivery log."""

from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from common.sandbox import offered_names

from .events import TEMPLATE_KINDS
from .models import MessageTemplate
from .previews import sample_context


def variables_help():
    """What each kind of message receives, for the editor (in the editor's language)."""
    kinds = format_html_join(
        "",
        "<li><strong>{}</strong>: <code>{}</code></li>",
        ((label, ", ".join(offered_names(sample_context(kind)))) for kind, label in TEMPLATE_KINDS),
    )
    return format_html(
        "<p>{}</p><ul>{}</ul>",
        gettext(
            "Templates may use {{ variable }} (such as {{ application.title }}), the tags "
            "{% if %} and {% for %}, and the filters date, money and default, over the "
            "variables of their kind below; anything else is refused when saving. The default "
            "texts are in templates/notifications/. Use the preview to check the message with "
            "sample data before saving. Each kind receives:"
        ),
        kinds,
    )


class MessageTemplateViewSet(SnippetViewSet):
    model = MessageTemplate
    icon = "mail"
    menu_label = _("Message templates")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["event", "language", "subject", "updated_at"]
    list_filter = ["event", "language"]
    search_fields = ["subject", "text"]
    panels = [
        FieldRowPanel([FieldPanel("event"), FieldPanel("language")]),
        HelpPanel(content=lazy(variables_help, str)()),
        FieldPanel("subject"),
        FieldPanel("text"),
        FieldPanel("html"),
    ]


register_snippet(MessageTemplateViewSet)


class DeliveryLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("notifications.read_delivery_log")


@hooks.register("register_admin_menu_item")
def delivery_log_menu_item():
    return DeliveryLogMenuItem(
        _("Delivery log"),
        reverse_lazy("notifications:delivery_log"),
        name="delivery-log",
        icon_name="list-ul",
        order=251,
    )
