"""The privacy notice: a Wagtail page whose introduction staff write (who is responsible, the data
protection officer, the person's rights, the CNIL) and whose list of processing is the register's
(privacy/register.py), with the periods of the settings: the notice says what the retention run
enforces, never a figure copied by hand."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from calls.translated import TranslatedField
from cms.blocks import BodyBlock
from cms.models import TranslatedTitleMixin

from .register import REGISTER


class PrivacyNoticePage(TranslatedTitleMixin, Page):
    """The one privacy notice, under the home page; the footer and the sign-up form link to it."""

    intro_fr = StreamField(BodyBlock(), verbose_name=_("introduction"), blank=True)
    intro_en = StreamField(BodyBlock(), verbose_name=_("introduction in English"), blank=True)
    intro = TranslatedField("intro_fr", "intro_en")

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel(
            "intro_fr",
            help_text=_(
                "Who is responsible for the data, how to reach the data protection officer, the "
                "person's rights and how to use them, the complaint to the CNIL. The list of "
                "processing and their periods follow, written from the register."
            ),
        ),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("privacy notice")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["register"] = REGISTER
        return context
