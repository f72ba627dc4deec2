"""Governance reports: PDF documents for the scientific council and the members' council, built by
a Celery task (reports.tasks.build_report) and kept in private storage.

A report is a row that says what was asked (kind, call or programme and year, language), who
asked, how far its build went, and, once done, its file, the date of the data it shows and whom
it was built for.
"""

import uuid
from enum import nonmember

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Programme
from common.formats import PARIS
from common.storage import private_files


class ReportKind(models.TextChoices):
    CALL = "call", _("Call report")
    PROGRAMME = "programme", _("Programme and year report")
    DOSSIERS = "dossiers", _("Dossier book")
    PROJECTS = "projects", _("Funded projects report")


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")

    # Still being worked on: its page refreshes itself (enum.nonmember: not a state).
    unfinished = nonmember(("queued", "running"))


def private_storage():
    """Reports are confidential: served only by a view that checks who asks."""
    return private_files


def report_path(instance, filename):
    # Nothing guessable, nothing from the user: the download view names the file.
    return f"reports/{instance.kind}/{uuid.uuid4().hex}.pdf"


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    # With kind "programme" or "projects": empty means every programme (cross-programme included).
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # With kind "projects": empty means every year.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField(
        _("file"), upload_to=report_path, storage=private_storage, blank=True, max_length=200
    )
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A call report or a dossier book is built for the person who asked: whom it was built for,
    # and the applications withheld from them then (reports.governance.readers). Empty on a
    # report built for nobody in particular (before this was recorded, or of another kind): it
    # withholds nothing, and is read only by those who may read every dossier of its call.
    built_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withheld = models.JSONField(
        _("applications withheld from the person it was built for"), default=list, blank=True
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the data was read: what the report shows is the state of the database at that time.
    data_date = models.DateTimeField(_("date of the data"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("governance report")
        verbose_name_plural = _("governance reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["call", "kind", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["call", "dossiers"]) | models.Q(call__isnull=False),
                name="call_report_has_call",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="programme") | models.Q(year__isnull=False),
                name="programme_report_has_year",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_done(self):
        return self.state == ReportState.DONE

    @property
    def is_queued(self):
        return self.state == ReportState.QUEUED

    @property
    def is_unfinished(self):
        return self.state in ReportState.unfinished

    @property
    def report_type(self):
        """What its kind needs and how it is built (reports.governance.registry)."""
        # Imported here: the registry imports this module (for ReportKind).
        from .governance.registry import report_type

        return report_type(self.kind)

    @property
    def subject(self):
        """What the report is about, as the pages and the PDF name it."""
        if self.report_type.about_programmes:
            programme = self.programme or _("Every programme")
            return f"{programme} – {self.year or _('every year')}"
        return str(self.call) if self.call_id else ""

    def download_name(self):
        if self.report_type.about_programmes:
            about = self.programme.code if self.programme_id else "tous"
            about += f"-{self.year}" if self.year else ""
        else:
            about = self.call.slug
        if self.data_date:
            stamp = self.data_date.astimezone(PARIS).strftime("%Y%m%d-%H%M")
        else:
            stamp = str(self.pk)
        return f"{self.report_type.file_prefix}-{about}-{self.language}-{stamp}.pdf"
