from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from common.forms import DecimalField

from .models import Call, Programme

# Amounts, weights and thresholds typed by editors in the admin, read as people write them
# ("60 000", "1,5") and shown in the admin's language, as in the site's own forms.
register_form_field_override(models.DecimalField, override={"form_class": DecimalField})


class CallViewSet(SnippetViewSet):
    model = Call
    icon = "doc-full-inverse"
    menu_label = _("Calls")
    list_display = ["title_fr", "kind", "programme", "opens_at", "closes_at"]
    list_filter = ["kind", "programme", "live"]
    search_fields = ["title_fr", "title_en", "slug"]
    ordering = ["-closes_at"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title_fr"),
                    FieldPanel("title_en"),
                    FieldPanel("slug"),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("programme")]),
                    FieldPanel("summary_fr"),
                    FieldPanel("summary_en"),
                    FieldPanel("description"),
                    FieldPanel("eligibility"),
                    FieldPanel("contact_email"),
                ],
                heading=_("Content"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
                        heading=_("Dates (Paris time)"),
                    ),
                    MultiFieldPanel(
                        [FieldRowPanel([FieldPanel("envelope"), FieldPanel("max_amount")])],
                        heading=_("Budget"),
                    ),
                    FieldPanel("requires_co_construction"),
                    FieldPanel("allows_multiple_applications"),
                    FieldPanel("attachments_max_total_mb"),
                    MultiFieldPanel(
                        [
                            FieldRowPanel(
                                [
                                    FieldPanel("project_duration_months"),
                                    FieldPanel("duration_from_signature"),
                                ]
                            ),
                            FieldPanel("amendment_needs_new_agreement"),
                        ],
                        heading=_("Funded projects"),
                    ),
                    MultiFieldPanel(
                        [FieldPanel("label_duration_months"), FieldPanel("asks_for_collections")],
                        heading=_("Labelled collections"),
                    ),
                ],
                heading=_("Dates and rules"),
            ),
            ObjectList([FieldPanel("questions")], heading=_("Application form")),
            ObjectList(
                [InlinePanel("criteria", label=_("Evaluation criteria"))],
                heading=_("Evaluation criteria"),
            ),
            ObjectList(
                [
                    InlinePanel("eligibility_checks", label=_("Eligibility checklist")),
                    FieldPanel("max_excluded_reviewers"),
                    FieldRowPanel(
                        [FieldPanel("reviewers_per_application"), FieldPanel("reviews_due_at")]
                    ),
                    FieldRowPanel([FieldPanel("half_points"), FieldPanel("total_threshold")]),
                    FieldRowPanel(
                        [FieldPanel("reviewers_see_other_reviews"), FieldPanel("disagreement_gap")]
                    ),
                    FieldPanel("tie_break"),
                    MultiFieldPanel(
                        [
                            FieldRowPanel(
                                [FieldPanel("reply_opens_at"), FieldPanel("reply_closes_at")]
                            ),
                            FieldPanel("reply_max_chars"),
                        ],
                        heading=_("Right to reply (Paris time)"),
                    ),
                ],
                heading=_("Review"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "report_requirements",
                        heading=_("Reports owed by funded projects"),
                        label=_("Report"),
                    ),
                    InlinePanel(
                        "required_deliverables",
                        heading=_("Deliverables required before closure"),
                        label=_("Kind of deliverable"),
                    ),
                ],
                heading=_("Funded projects' reports"),
            ),
            ObjectList(
                [InlinePanel("documents", label=_("Documents")), FieldPanel("faq")],
                heading=_("Documents and FAQ"),
            ),
        ]
    )


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "folder-open-inverse"
    menu_label = _("Programmes")
    list_display = ["title_fr", "code", "position"]
    ordering = ["position"]


class CallsGroup(SnippetViewSetGroup):
    items = (CallViewSet, ProgrammeViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Calls")
    menu_name = "calls"
    menu_order = 200


register_snippet(CallsGroup)
