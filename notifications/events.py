"""The platform's events that tell someone something. Other apps name them; this app imports none
of theirs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
    APPLICATION_REOPENED = "application_reopened", _("Application reopened")
    ELIGIBILITY_RESULT = "eligibility_result", _("Eligibility result")
    REVIEWER_INVITED = "reviewer_invited", _("Reviewer invited")
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Reviewer assigned")
    CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
    REVIEW_DUE_SOON = "review_due_soon", _("Review due soon")
    REVIEW_LATE = "review_late", _("Review late")
    REVIEW_SUBMITTED = "review_submitted", _("Review submitted")
    REPLY_PHASE_OPEN = "reply_phase_open", _("Reply phase open")
    DECISION = "decision", _("Decision")
    REPORT_READY = "report_ready", _("Report ready")
