"""Applications to calls: the draft (answers, team, budget, files), its submissions, its history.

State changes go through applications.services, never through a view writing `state`.
"""

from decimal import Decimal
from enum import nonmember

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import validate_orcid
from calls.models import MONEY, Call
from common.storage import private_files


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    IN_REVIEW = "in_review", _("In review")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    # Sets of states, named once (enum.nonmember: not states of their own).
    # Screened eligible: its reviews, ranking and decision exist to be read and changed.
    under_review = nonmember(("eligible", "in_review", "decided"))
    # Its eligibility can be judged, or judged again, until it goes to review.
    screenable = nonmember(("submitted", "eligible", "ineligible"))
    # Reviewers can be assigned to it.
    reviewable = nonmember(("eligible", "in_review"))


class ApplicationQuerySet(models.QuerySet):
    def led_by(self, user):
        return self.filter(lead=user)

    def for_listing(self):
        return self.select_related("call", "call__programme", "lead").annotate(
            requested_total=Sum("budget_lines__amount_requested")
        )


class Application(models.Model):
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    title = models.CharField(_("project title"), max_length=255, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    # Raised by every saved change: a save based on an older version is refused (two tabs).
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    submitted_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # For matching reviewers' expertise.
    disciplines = models.ManyToManyField(
        "accounts.Discipline", verbose_name=_("disciplines"), blank=True, related_name="+"
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Up to ten, separated by commas; they help find the right reviewers."),
    )
    # Labelled collections. A label call's application describes one collection: the record it
    # proposes (labels.records' form, checked at submission) and, for a renewal or once
    # labelled, the registry's collection it is about. Another call may ask which labelled
    # collections the project works on (Call.asks_for_collections).
    collection = models.ForeignKey(
        "labels.Collection",
        verbose_name=_("labelled collection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="label_applications",
    )
    collection_record = models.JSONField(_("collection record"), default=dict, blank=True)
    # A renewal's pre-filled record was the registry's record at this version: its decision
    # applies only what the application changed (labels.records.merge).
    collection_base_version = models.PositiveIntegerField(
        _("version of the collection's record"), null=True, blank=True
    )
    collections_used = models.ManyToManyField(
        "labels.Collection",
        verbose_name=_("labelled collections used"),
        blank=True,
        related_name="applications",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self):
        return self.title or _("Application %(reference)s") % {"reference": self.reference}

    @property
    def reference(self):
        return f"{self.call_id:03d}-{self.pk:05d}" if self.pk else ""

    @property
    def is_draft(self):
        return self.state == ApplicationState.DRAFT

    # What templates ask, so that they name no state by its string.
    @property
    def is_submitted(self):
        return self.state == ApplicationState.SUBMITTED

    @property
    def is_eligible(self):
        return self.state == ApplicationState.ELIGIBLE

    @property
    def is_ineligible(self):
        return self.state == ApplicationState.INELIGIBLE

    @property
    def is_in_review(self):
        return self.state == ApplicationState.IN_REVIEW

    @property
    def is_decided(self):
        return self.state == ApplicationState.DECIDED

    @property
    def is_withdrawn(self):
        return self.state == ApplicationState.WITHDRAWN

    @property
    def is_screenable(self):
        return self.state in ApplicationState.screenable

    @property
    def collection_base_record(self):
        """The registry's record this renewal was pre-filled with, or None (a first label)."""
        if self.collection_id is None or self.collection_base_version is None:
            return None
        version = self.collection.versions.filter(number=self.collection_base_version).first()
        return None if version is None else version.record

    def budget_totals(self):
        totals = self.budget_lines.aggregate(
            requested=Sum("amount_requested"), cofunding=Sum("cofunding")
        )
        return {key: value or Decimal("0") for key, value in totals.items()}

    def budget_by_category(self):
        """Every budget category in its order, with the sums of its saved lines (zero when it has
        none): the rows of the budget's totals, which the draft page's script keeps up to date."""
        sums = {
            row["category"]: row
            for row in self.budget_lines.order_by()
            .values("category")
            .annotate(requested=Sum("amount_requested"), cofunding=Sum("cofunding"))
        }
        return [
            {
                "value": category.value,
                "label": category.label,
                "requested": sums.get(category, {}).get("requested") or Decimal("0"),
                "cofunding": sums.get(category, {}).get("cofunding") or Decimal("0"),
                "used": category in sums,
            }
            for category in BudgetCategory
        ]


class TeamRole(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    DOCUMENTATION_PROFESSIONAL = "documentation_professional", _("Documentation professional")
    ARCHIVIST = "archivist", _("Archivist")
    OTHER = "other", _("Other")


# Archivists are documentation professionals for the co-construction rule.
DOCUMENTATION_ROLES = (TeamRole.DOCUMENTATION_PROFESSIONAL, TeamRole.ARCHIVIST)


class TeamMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=255)
    email = models.EmailField(_("e-mail address"), blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True, validators=[validate_orcid])
    institution = models.ForeignKey(
        "accounts.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_members",
    )
    institution_name = models.CharField(
        _("institution (if not in the directory)"), max_length=255, blank=True
    )
    role = models.CharField(_("role"), max_length=32, choices=TeamRole.choices)
    is_lead = models.BooleanField(
        _("leads the project"),
        default=False,
        help_text=_(
            "Shown in the application; it gives no access. To let this person read the "
            "application, invite them (button beside the saved row)."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def institution_label(self):
        return str(self.institution) if self.institution_id else self.institution_name


class TeamInvitationQuerySet(models.QuerySet):
    def joined(self, user):
        """The invitations `user` accepted whose address is still a team row's: a member's
        access holds only while the row is there (the draft replaces its rows on each save,
        so rows are matched by address, never by id)."""
        rows = TeamMember.objects.filter(
            application=OuterRef("application"), email__iexact=OuterRef("email")
        )
        return self.filter(accepted_by=user).filter(Exists(rows))


class TeamInvitation(models.Model):
    """An invitation sent by the lead to the address of a team row. Only the account that owns
    that address and accepts it becomes a member (reads the application, its files, receipts and
    letters); a team row alone gives nobody anything. One per application and address (lower
    case), so that it outlives save_draft's replacement of the rows. The link's token is never
    stored: only its SHA-256 hash."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="team_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_invitations",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    objects = TeamInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        ordering = ["application", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"], name="one_team_invitation_per_address"
            )
        ]

    def __str__(self):
        return self.email


class ExcludedReviewer(models.Model):
    """Someone the applicant asks not to be a reviewer (the call says how many, up to three)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="excluded_reviewers"
    )
    name = models.CharField(_("name"), max_length=255)
    email = models.EmailField(_("e-mail address"), blank=True)
    institution_name = models.CharField(_("institution"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("person excluded from reviewing")
        verbose_name_plural = _("people excluded from reviewing")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class BudgetCategory(models.TextChoices):
    STAFF = "staff", _("Staff")
    EQUIPMENT = "equipment", _("Equipment")
    SERVICES = "services", _("Services")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=255)
    amount_requested = models.DecimalField(
        _("amount requested (EUR)"),
        validators=[MinValueValidator(Decimal("0"))],
        default=Decimal("0"),
        **MONEY,
    )
    cofunding = models.DecimalField(
        _("co-funding (EUR)"),
        validators=[MinValueValidator(Decimal("0"))],
        default=Decimal("0"),
        **MONEY,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.description


def private_storage():
    """Attachments live outside MEDIA_ROOT (or in a private bucket) and are served only by a
    view that checks access."""
    return private_files


def attachment_path(instance, filename):
    # The stored name never comes from the user: no traversal, no clash, nothing guessable.
    return f"applications/{instance.application_id}/{instance.sha256}"


class Attachment(models.Model):
    """A file answering one of the call's file questions, kept in private storage."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
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

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Submission(models.Model):
    """The immutable snapshot of an application as received, with its fingerprint."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField(_("submission number"))
    received_at = models.DateTimeField(_("received at"))
    content = models.JSONField(_("submitted content"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="one_submission_number_per_application"
            )
        ]

    def __str__(self):
        return f"{self.application.reference} #{self.number}"


class AuditSubject(models.TextChoices):
    """What an audit row is about; all of them are read per application."""

    APPLICATION = "application", _("Application")
    ASSIGNMENT = "assignment", _("Assignment")
    REVIEW = "review", _("Review")
    CONSENSUS = "consensus", _("Consensus report")
    DECISION = "decision", _("Decision")
    PROJECT = "project", _("Funded project")
    REPORT = "report", _("Project report")
    DELIVERABLE = "deliverable", _("Deliverable")


class ApplicationEvent(models.Model):
    """The audit trail: every state change of an application, of its assignments and reviews,
    and of its decision; who made it, when, from which state to which, and why.

    `from_state` and `to_state` hold the states of the `subject` (an application's, a review's,
    a decision's outcome...), written by applications.audit.record() and the transitions."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(
        _("about"),
        max_length=20,
        choices=AuditSubject.choices,
        default=AuditSubject.APPLICATION,
    )
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.subject} {self.action}: {self.from_state} -> {self.to_state}"
