"""What a funded project owes: its reports (data management plans, interim and final reports,
the final financial statement), drafted by the lead and the team as an application is, frozen
at each submission, reviewed by staff. projects.reports says how they change."""

from enum import nonmember

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models import CallReport, ReportKind
from calls.translated import TranslatedField
from common.storage import private_files

from .project import Project


def private_storage():
    return private_files


class ReportState(models.TextChoices):
    DRAFT = "draft", _("To write")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")

    # The states in which the lead and the team write it.
    editable = nonmember(("draft", "changes_requested"))
    # The states in which it is still owed (late once its due date has passed).
    owed = nonmember(("draft", "changes_requested"))


class ProjectReport(models.Model):
    """One report a project owes, planned from its call's requirement when the project is made.

    The requirement's title and questions are copied (a frozen copy, as a submission freezes an
    application's): a call edited later changes no report already owed. The due date is known
    once the project's start is; it follows the start and the end (an extension) until staff set
    one themselves (`due_set_by_staff`), when they ask for changes."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    requirement = models.ForeignKey(
        CallReport,
        verbose_name=_("requirement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ReportKind.choices)
    title_fr = models.CharField(_("title"), max_length=255)
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    questions = models.JSONField(_("questions"), default=list, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    due_set_by_staff = models.BooleanField(_("due date set by staff"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # The financial statement's spending per budget category: {category: "12345.67"}.
    spending = models.JSONField(_("spending"), default=dict, blank=True)
    # Raised by every saved change: a save based on an older version is refused (two tabs).
    version = models.PositiveIntegerField(_("version"), default=1)
    # Staff's last review: the questions to change (block ids), their comment, who and when.
    changes_on = models.JSONField(_("questions to change"), default=list, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("received at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    title = TranslatedField("title_fr", "title_en")

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["project", "due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "requirement"],
                condition=models.Q(requirement__isnull=False),
                name="one_report_per_requirement",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable(self):
        return self.state in ReportState.editable

    @property
    def is_accepted(self):
        return self.state == ReportState.ACCEPTED

    @property
    def changes_requested(self):
        """Sent back by staff, who asked for changes (`changes_on`, `review_comment`)."""
        return self.state == ReportState.CHANGES_REQUESTED


class ReportSubmission(models.Model):
    """The immutable snapshot of a report as received, with its fingerprint (its receipt is
    rendered from it)."""

    report = models.ForeignKey(
        ProjectReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    number = models.PositiveSmallIntegerField(_("submission number"))
    received_at = models.DateTimeField(_("received at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField(_("submitted content"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="one_submission_number_per_report"
            )
        ]

    def __str__(self):
        return f"{self.report} #{self.number}"


def attachment_path(instance, filename):
    # The stored name never comes from the user: no traversal, no clash, nothing guessable.
    return f"projects/{instance.report.project_id}/report-{instance.report_id}-{instance.sha256}"


class ReportAttachment(models.Model):
    """A file answering one of a report's file questions, kept in private storage."""

    report = models.ForeignKey(
        ProjectReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    question_id = models.CharField(_("question"), max_length=64)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Replaced or removed from the draft after a submission that holds it: no longer part of the
    # draft, kept so that staff and the team can still download what was submitted.
    superseded = models.BooleanField(_("replaced since a submission"), default=False)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
