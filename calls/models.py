from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, Orderable, PreviewableMixin, RevisionMixin
from wagtail.search import index

from .blocks import FAQBlock, QuestionsBlock
from .translated import TranslatedField

MONEY = {"max_digits": 12, "decimal_places": 2}


class CallKind(models.TextChoices):
    PROJECTS = "projects", _("Call for projects")
    RESIDENCY = "residency", _("Researcher residency")
    EXPRESSION_OF_INTEREST = "expression_of_interest", _("Call for expressions of interest")
    INCUBATOR = "incubator", _("Incubator")
    MOBILITY_GRANT = "mobility_grant", _("Mobility grant")
    LABEL = "label", _("CollEx label")


class CallPhase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("In review")
    DECIDED = "decided", _("Decided")

    # What templates ask of a phase (a heading, a reason), so that they name none by its string.
    @property
    def is_open(self):
        return self == CallPhase.OPEN

    @property
    def is_upcoming(self):
        return self == CallPhase.UPCOMING


def phase_at(opens_at, closes_at, now) -> CallPhase:
    """The phase a call is in at `now`: open from opening (included) to closing (excluded)."""
    if now < opens_at:
        return CallPhase.UPCOMING
    if now < closes_at:
        return CallPhase.OPEN
    return CallPhase.CLOSED


# The phases a visitor can filter on, in the order the lists show them.
LISTED_PHASES = (CallPhase.OPEN, CallPhase.UPCOMING, CallPhase.CLOSED)


def phase_condition(phase, now, prefix="") -> Q:
    """phase_at() as a database condition; `prefix` reaches calls through a relation ("calls__")."""
    if phase == CallPhase.UPCOMING:
        return Q(**{f"{prefix}opens_at__gt": now})
    if phase == CallPhase.OPEN:
        return Q(**{f"{prefix}opens_at__lte": now, f"{prefix}closes_at__gt": now})
    if phase == CallPhase.CLOSED:
        return Q(**{f"{prefix}closes_at__lte": now})
    return Q(pk__in=[])  # later phases depend on reviews and decisions, not on dates


class Programme(models.Model):
    """One of the roadmap's programmes; every call belongs to one, or to none (cross-programme)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title_fr = models.CharField(_("title"), max_length=255)
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    summary_fr = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    title = TranslatedField("title_fr", "title_en")
    summary = TranslatedField("summary_fr", "summary_en")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["position", "code"]

    def __str__(self):
        return self.title


class TieBreak(models.TextChoices):
    """How the ranking orders applications with the same score; shown on the ranking page."""

    MAIN_CRITERION = "main_criterion", _("Higher score on the criterion with the largest weight")
    LOWER_REQUEST = "lower_request", _("Lower amount requested")
    EARLIER_SUBMISSION = "earlier_submission", _("Earlier submission")


SCORE = {"max_digits": 5, "decimal_places": 2}


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(live=True)

    def with_phase(self, now=None):
        now = now or timezone.now()
        return self.annotate(
            current_phase=Case(
                When(
                    phase_condition(CallPhase.UPCOMING, now), then=Value(CallPhase.UPCOMING.value)
                ),
                When(phase_condition(CallPhase.OPEN, now), then=Value(CallPhase.OPEN.value)),
                default=Value(CallPhase.CLOSED.value),
                output_field=models.CharField(),
            )
        )

    def in_phase(self, phase, now=None):
        return self.filter(phase_condition(phase, now or timezone.now()))

    def for_listing(self, now=None):
        """Published calls with their programme and phase, without the heavy content that lists
        never show (decoding every call's form and FAQ dominated the list's rendering time)."""
        return (
            self.published()
            .select_related("programme")
            .defer("questions", "faq", "description", "eligibility")
            .with_phase(now)
        )


class Call(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, ClusterableModel):
    """A call: for projects, residencies, expressions of interest, incubator, mobility or label.

    Edited in the Wagtail admin as a snippet with drafts and revisions; visible once published.
    Its phase is derived from its dates, never typed in.
    """

    title_fr = models.CharField(_("title"), max_length=255)
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=False)
    kind = models.CharField(_("kind"), max_length=32, choices=CallKind.choices)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        help_text=_("Leave empty for a cross-programme call."),
    )
    summary_fr = models.TextField(_("summary"), max_length=1000)
    summary_en = models.TextField(_("summary in English"), max_length=1000, blank=True)
    description = RichTextField(_("description"), blank=True)
    eligibility = RichTextField(_("eligibility"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"), help_text=_("The deadline, in Paris time. Submissions must arrive before.")
    )
    envelope = models.DecimalField(
        _("budget envelope (EUR)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Money available to the call. Zero when the call funds nothing."),
        **MONEY,
    )
    max_amount = models.DecimalField(
        _("maximum per application (EUR)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    requires_co_construction = models.BooleanField(
        _("co-construction required"),
        default=False,
        help_text=_(
            "Every team must include at least one researcher and one documentation professional."
        ),
    )
    allows_multiple_applications = models.BooleanField(
        _("several applications per lead"),
        default=False,
        help_text=_("Let one person lead more than one application to this call."),
    )
    attachments_max_total_mb = models.PositiveSmallIntegerField(
        _("maximum size of all files of an application (MB)"), default=30
    )
    questions = StreamField(QuestionsBlock(), verbose_name=_("application form"), blank=True)
    faq = StreamField(FAQBlock(), verbose_name=_("frequently asked questions"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    # Review: how the call's applications are screened, reviewed and ranked.
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    reviews_due_at = models.DateTimeField(
        _("reviews due"),
        null=True,
        blank=True,
        help_text=_("In Paris time. Defaults to three weeks after each assignment."),
    )
    half_points = models.BooleanField(
        _("half points allowed"), default=False, help_text=_("Reviewers may score 3.5, 4.5...")
    )
    total_threshold = models.DecimalField(
        _("threshold on the total (/20)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
        help_text=_(
            "An application scored below it cannot be proposed for funding without an override."
        ),
        **SCORE,
    )
    reviewers_see_other_reviews = models.BooleanField(
        _("reviewers see the other reviews"),
        default=True,
        help_text=_("Only after submitting their own, and never the reviewers' names."),
    )
    disagreement_gap = models.DecimalField(
        _("disagreement gap (/20)"),
        default=Decimal("4"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
        help_text=_("Reviews further apart than this are flagged on the ranking."),
        **SCORE,
    )
    tie_break = models.CharField(
        _("tie-break rule"),
        max_length=32,
        choices=TieBreak.choices,
        default=TieBreak.MAIN_CRITERION,
    )
    max_excluded_reviewers = models.PositiveSmallIntegerField(
        _("people an applicant may exclude as reviewers"),
        default=0,
        validators=[MaxValueValidator(3)],
        help_text=_("From 0 to 3, as the ERC allows."),
    )
    reply_opens_at = models.DateTimeField(_("reply phase opens at"), null=True, blank=True)
    reply_closes_at = models.DateTimeField(
        _("reply phase closes at"),
        null=True,
        blank=True,
        help_text=_("Applicants read the comments meant for them and answer factual errors."),
    )
    reply_max_chars = models.PositiveIntegerField(
        _("maximum length of a reply (characters)"), default=3000
    )

    # Funded projects: how long they run, from when, and what an amendment needs.
    project_duration_months = models.PositiveSmallIntegerField(
        _("duration of a funded project (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("For example 24. Empty when the duration is set project by project."),
    )
    duration_from_signature = models.BooleanField(
        _("projects run from the signature of their agreement"),
        default=False,
        help_text=_("“24 months from the date of signature of the funding agreement”."),
    )
    amendment_needs_new_agreement = models.BooleanField(
        _("an accepted amendment makes a new agreement version"),
        default=True,
    )

    # Labelled collections: how long a label call's label lasts, and whether a call asks its
    # applicants which labelled collections their project works on (labels.Collection).
    label_duration_months = models.PositiveSmallIntegerField(
        _("duration of the label (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("For a CollEx label call: for example 60. The expiry is computed from it."),
    )
    asks_for_collections = models.BooleanField(
        _("applicants name the labelled collections they work on"),
        default=False,
        help_text=_("The application form then lists the registry's labelled collections."),
    )

    title = TranslatedField("title_fr", "title_en")
    summary = TranslatedField("summary_fr", "summary_en")

    objects = CallQuerySet.as_manager()

    search_fields = [
        index.SearchField("title_fr"),
        index.SearchField("title_en"),
        index.SearchField("summary_fr"),
        index.AutocompleteField("title_fr"),
        index.FilterField("kind"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-closes_at", "title_fr"]
        # Declared here, not left to Wagtail after migrate, so that a migration can grant it.
        permissions = [("publish_call", "Can publish call")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The call must close after it opens.")
        amounts_given = self.max_amount is not None and self.envelope is not None
        if amounts_given and self.max_amount > self.envelope:
            errors["max_amount"] = _("The maximum per application cannot exceed the envelope.")
        if bool(self.reply_opens_at) != bool(self.reply_closes_at):
            errors["reply_closes_at"] = _("Give both dates of the reply phase, or neither.")
        elif self.reply_opens_at and self.reply_closes_at <= self.reply_opens_at:
            errors["reply_closes_at"] = _("The reply phase must close after it opens.")
        elif self.reply_opens_at and self.closes_at and self.reply_opens_at < self.closes_at:
            errors["reply_opens_at"] = _("The reply phase opens after the call closes.")
        if self.kind == CallKind.LABEL and not self.label_duration_months:
            errors["label_duration_months"] = _("Give the duration of the label this call grants.")
        if errors:
            raise ValidationError(errors)

    @property
    def phase(self) -> CallPhase:
        annotated = getattr(self, "current_phase", None)
        phase = CallPhase(annotated) if annotated else self.phase_at(timezone.now())
        # After closing, how far its applications went (reviews.queries.with_progress).
        progress = getattr(self, "progress", "")
        if progress and phase == CallPhase.CLOSED:
            return CallPhase(progress)
        return phase

    def phase_at(self, now) -> CallPhase:
        return phase_at(self.opens_at, self.closes_at, now)

    @property
    def is_open(self) -> bool:
        return self.phase == CallPhase.OPEN

    @property
    def grants_labels(self) -> bool:
        """A CollEx label call: its applications describe a collection and are decided
        "labelled" or not, never funded."""
        return self.kind == CallKind.LABEL

    def reply_phase_open(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.reply_opens_at) and self.reply_opens_at <= now < self.reply_closes_at

    @property
    def funds_projects(self) -> bool:
        return self.envelope > 0

    def get_absolute_url(self):
        return reverse("calls:detail", kwargs={"slug": self.slug})

    def weighted_criteria(self):
        """The criteria with each weight's share of the total, in percent."""
        criteria = list(self.criteria.all())
        total = sum((criterion.weight for criterion in criteria), Decimal("0"))
        for criterion in criteria:
            criterion.share = (
                (criterion.weight * 100 / total).quantize(Decimal("1")) if total else 0
            )
        return criteria

    def file_questions(self):
        """The file questions of the form, by block id: label, accepted types, size limit."""
        return {block.id: block.value for block in self.questions if block.block.is_file}

    def get_preview_template(self, request, mode_name):
        return "calls/call_preview.html"

    def get_preview_context(self, request, mode_name):
        return {"call": self}


class ReportKind(models.TextChoices):
    """What a funded project owes (projects.reports says how each kind behaves)."""

    DATA_MANAGEMENT_PLAN = "dmp", _("Data management plan")
    INTERIM = "interim", _("Interim report")
    FINAL_SCIENTIFIC = "final_scientific", _("Final scientific report")
    FINAL_FINANCIAL = "final_financial", _("Final financial statement")


class DueFrom(models.TextChoices):
    START = "start", _("after the project's start")
    END = "end", _("after the project's end")


class DeliverableKind(models.TextChoices):
    """What a funded project produces and declares (projects.deliverables)."""

    DATASET = "dataset", _("Dataset")
    CORPUS = "corpus", _("Digitised corpus")
    SOFTWARE = "software", _("Software")
    PUBLICATION = "publication", _("Publication")
    TOOL = "tool", _("Tool or service")
    OTHER = "other", _("Other")


class CallReport(Orderable):
    """A report that every project funded by the call owes: its kind, when it is due (months
    after the project's start or end, so that an extension moves a final report) and its own
    questions, the same blocks as the application form. A data management plan with updates is
    several rows of the same kind."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="report_requirements")
    kind = models.CharField(_("kind"), max_length=32, choices=ReportKind.choices)
    title_fr = models.CharField(_("title"), max_length=255)
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    due_months = models.PositiveSmallIntegerField(
        _("due (months)"),
        validators=[MaxValueValidator(120)],
        help_text=_("For example 6 for a data management plan due six months after the start."),
    )
    due_from = models.CharField(
        _("counted from"), max_length=8, choices=DueFrom.choices, default=DueFrom.START
    )
    questions = StreamField(QuestionsBlock(), verbose_name=_("questions"), blank=True)

    title = TranslatedField("title_fr", "title_en")

    class Meta(Orderable.Meta):
        verbose_name = _("report owed by funded projects")
        verbose_name_plural = _("reports owed by funded projects")

    def __str__(self):
        return self.title


class CallRequiredDeliverable(Orderable):
    """A kind of deliverable that a project of the call must declare before it is closed."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="required_deliverables")
    kind = models.CharField(_("kind"), max_length=32, choices=DeliverableKind.choices)

    class Meta(Orderable.Meta):
        verbose_name = _("deliverable required before closure")
        verbose_name_plural = _("deliverables required before closure")
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="one_required_kind_per_call")
        ]

    def __str__(self):
        return self.get_kind_display()


class CallCriterion(Orderable):
    """An evaluation criterion of a call, scored by reviewers on its scale and weighted."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name_fr = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_min = models.SmallIntegerField(_("lowest score"), default=0)
    scale_max = models.SmallIntegerField(_("highest score"), default=5)
    threshold = models.DecimalField(
        _("threshold"),
        null=True,
        blank=True,
        help_text=_("On the criterion's scale. A lower agreed score flags the application."),
        **SCORE,
    )

    name = TranslatedField("name_fr", "name_en")

    class Meta(Orderable.Meta):
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.scale_max <= self.scale_min:
            raise ValidationError(
                {"scale_max": _("The highest score must be above the lowest score.")}
            )
        if self.threshold is not None and not self.scale_min <= self.threshold <= self.scale_max:
            raise ValidationError({"threshold": _("The threshold must be on the scale.")})


class EligibilityCheck(Orderable):
    """One point of the call's eligibility checklist, which staff tick when screening."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="eligibility_checks")
    label_fr = models.CharField(_("check"), max_length=255)
    label_en = models.CharField(_("check in English"), max_length=255, blank=True)

    label = TranslatedField("label_fr", "label_en")

    class Meta(Orderable.Meta):
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checklist")

    def __str__(self):
        return self.label


class CallDocument(Orderable):
    """A document to download from the call's page (call text, templates, guides)."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    label = models.CharField(
        _("label"), max_length=255, blank=True, help_text=_("Defaults to the document's title.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.label or self.document.title
