from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from calls.models import Call, CallPhase, Programme
from calls.translated import TranslatedField

from .blocks import BodyBlock


class TranslatedTitleMixin(models.Model):
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)

    translated_title = TranslatedField("title", "title_en")

    class Meta:
        abstract = True

    def __str__(self):
        return self.translated_title


class HomePage(TranslatedTitleMixin, Page):
    """The site's root: the network in a few words, open calls and the programmes."""

    intro_fr = RichTextField(_("introduction"), blank=True)
    intro_en = RichTextField(_("introduction in English"), blank=True)
    intro = TranslatedField("intro_fr", "intro_en")

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("intro_fr"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    # The privacy notice (privacy app) names its model here by its label only: cms imports nothing
    # of privacy.
    subpage_types = ["cms.StandardPage", "privacy.PrivacyNoticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        calls = Call.objects.for_listing(now)
        context["open_calls"] = list(calls.in_phase(CallPhase.OPEN, now).order_by("closes_at")[:6])
        context["upcoming_calls"] = list(
            calls.in_phase(CallPhase.UPCOMING, now).order_by("opens_at")[:3]
        )
        context["programmes"] = list(Programme.objects.all())
        return context


class StandardPage(TranslatedTitleMixin, Page):
    """An editorial page: about the network, legal notice, accessibility statement."""

    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    body_en = StreamField(BodyBlock(), verbose_name=_("body in English"), blank=True)
    translated_body = TranslatedField("body", "body_en")

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="site")
class NetworkSettings(BaseSiteSetting):
    """Who runs the site: shown in the header, the footer and the e-mails."""

    name = models.CharField(_("network name"), max_length=255, default="CollEx-Persée")
    tagline_fr = models.CharField(_("tagline"), max_length=255, blank=True)
    tagline_en = models.CharField(_("tagline in English"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.TextField(_("postal address"), blank=True)

    tagline = TranslatedField("tagline_fr", "tagline_en")

    class Meta:
        verbose_name = _("network settings")
