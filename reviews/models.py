"""Peer review: screening, reviewers, conflicts of interest, assignments, reviews, deliberation.

State changes go through the functions of this app's modules (eligibility, assignments,
reviewing, deliberation), never through a view writing a field.
"""

import secrets
from enum import nonmember

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Application
from calls.models import SCORE, Call, CallCriterion


def keyword_set(text):
    """Keywords typed as "a, b; c" as a set of lower-case terms, for matching."""
    return {word.strip().lower() for word in text.replace(";", ",").split(",") if word.strip()}


class EligibilityScreening(models.Model):
    """Staff's latest screening of an application against the call's checklist."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="screening"
    )
    # {check pk (as a string): true when the point is met}
    checks = models.JSONField(_("checklist"), default=dict, blank=True)
    eligible = models.BooleanField(_("eligible"))
    reason = models.TextField(_("reason"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened at"), auto_now=True)

    class Meta:
        verbose_name = _("eligibility screening")
        verbose_name_plural = _("eligibility screenings")

    def __str__(self):
        return str(self.application)


class ReviewerKind(models.TextChoices):
    COUNCIL = "council", _("Member of the scientific council")
    EXTERNAL = "external", _("External expert")


class ReviewerProfile(models.Model):
    """What assignment needs to know about a reviewer: expertise, languages, maximum load."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReviewerKind.choices, default=ReviewerKind.EXTERNAL
    )
    disciplines = models.ManyToManyField(
        "accounts.Discipline", verbose_name=_("disciplines"), blank=True, related_name="+"
    )
    keywords = models.CharField(
        _("expertise keywords"),
        max_length=500,
        blank=True,
        help_text=_("Separated by commas, such as: web archives, palaeography, IIIF."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    max_load = models.PositiveSmallIntegerField(
        _("maximum dossiers per call"), default=8, help_text=_("Zero: not available for now.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    last_reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer profile")
        verbose_name_plural = _("reviewer profiles")

    def __str__(self):
        return str(self.user)

    @property
    def keyword_set(self):
        return keyword_set(self.keywords)


class Invitation(models.Model):
    """An invitation to create an account and review; the link carries a secret token."""

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=255, blank=True)
    message = models.TextField(_("personal message"), blank=True)
    call = models.ForeignKey(
        Call, verbose_name=_("call"), null=True, blank=True, on_delete=models.SET_NULL
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reviewer invitation")
        verbose_name_plural = _("reviewer invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RECUSED = "recused", _("Conflict of interest")
    CANCELLED = "cancelled", _("Cancelled")

    # Counts towards coverage and load (enum.nonmember: a set of states, not a state).
    active = nonmember(("pending", "accepted"))
    # Over for the reviewer: answered no, or ended.
    past = nonmember(("declined", "recused", "cancelled"))


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=AssignmentState.active)


class Assignment(models.Model):
    """A reviewer asked to review one application, until a due date."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AssignmentState.choices, default=AssignmentState.PENDING
    )
    due_at = models.DateTimeField(_("due"))
    match_score = models.PositiveSmallIntegerField(_("expertise match"), default=0)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]
        indexes = [models.Index(fields=["reviewer", "state"])]

    def __str__(self):
        return f"{self.application.reference} / {self.reviewer}"

    @property
    def is_active(self):
        return self.state in AssignmentState.active

    @property
    def is_declined(self):
        return self.state == AssignmentState.DECLINED

    @property
    def is_recused(self):
        return self.state == AssignmentState.RECUSED


class ConflictDeclaration(models.Model):
    """A reviewer's declaration on an assigned dossier: no conflict, or one; kept for minutes."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="declarations"
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    reason = models.TextField(_("reason"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        ordering = ["declared_at", "pk"]

    def __str__(self):
        return f"{self.assignment}: {'conflict' if self.has_conflict else 'no conflict'}"


class ClaimState(models.TextChoices):
    COUNTED = "counted", _("Counted among the exclusions the call allows")
    PENDING = "pending", _("Named by the team, not confirmed")
    CONFIRMED = "confirmed", _("Conflict confirmed by the programme team")
    DISMISSED = "dismissed", _("Dismissed by the programme team")

    @classmethod
    def conflicts(cls):
        """The states in which a claim keeps the reviewer away from the dossier."""
        return (cls.COUNTED, cls.CONFIRMED)


class ClaimBasis(models.TextChoices):
    """What a team row has in common with the reviewer."""

    EMAIL = "email", _("e-mail address")
    ORCID = "orcid", _("ORCID iD")
    INSTITUTION = "institution", _("institution")


class ClaimSource(models.TextChoices):
    """Whose words name the reviewer: a team row, or the profile of the lead or of a member who
    joined (what a profile says that the platform did not verify: reviews.conflicts)."""

    ROW = "row", _("team row")
    LEAD = "lead", _("profile of the lead")
    MEMBER = "member", _("profile of a member who joined")


class TeamClaim(models.Model):
    """A reviewer that an application's team names, by e-mail, ORCID or institution, in a team
    row or in the profile of the lead or of a member who joined, without the platform having
    verified it (reviews.conflicts).

    Found once (reviews.claims.record_claims), in the order of the claimants: the first ones,
    up to the call's limit of exclusions (with the people the applicant asked to exclude), count
    as exclusions; the others wait for staff, who confirm them (a conflict) or dismiss them (no
    obstacle). Kept once found, so that a claim keeps its place when reviewers join later."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="team_claims"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_claims"
    )
    state = models.CharField(_("state"), max_length=20, choices=ClaimState.choices)
    # Who named the reviewer: a team row (its position and the name typed), or the profile of
    # the lead or of a member who joined (the member's row, their name); and what matched.
    source = models.CharField(
        _("named in"), max_length=10, choices=ClaimSource.choices, default=ClaimSource.ROW
    )
    position = models.PositiveSmallIntegerField(_("team row"))
    member_name = models.CharField(_("team member"), max_length=255, blank=True)
    bases = models.JSONField(_("in common"), default=list)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conflict named by the team")
        verbose_name_plural = _("conflicts named by the team")
        ordering = ["application", "position", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_team_claim_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.application} – {self.reviewer}: {self.state}"

    @property
    def is_pending(self):
        return self.state == ClaimState.PENDING

    @property
    def is_dismissed(self):
        return self.state == ClaimState.DISMISSED

    @property
    def basis_labels(self):
        return [str(ClaimBasis(basis).label) for basis in self.bases if basis in ClaimBasis]

    @property
    def origin(self):
        """Who named the reviewer and what matched, in words: on the board, beside a proposed
        reviewer, in the audit trail."""
        values = {
            "number": self.position + 1,
            "name": self.member_name,
            "bases": ", ".join(self.basis_labels),
        }
        if self.source == ClaimSource.LEAD:
            return _("profile of the lead (%(name)s), same %(bases)s") % values
        if self.source == ClaimSource.MEMBER:
            return (
                _("profile of %(name)s, who joined from team row %(number)s, same %(bases)s")
                % values
            )
        return _("team row %(number)s (%(name)s), same %(bases)s") % values


class AssignmentProposal(models.Model):
    """An automatic assignment, shown to staff for approval before it takes effect."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignment_proposals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # [[application id, reviewer id, match score], ...] and [[application id, missing], ...]
    pairs = models.JSONField(default=list)
    uncovered = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment proposal")
        verbose_name_plural = _("assignment proposals")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.call} ({self.created_at:%Y-%m-%d %H:%M})"


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    FUND_WITH_CHANGES = "fund_with_changes", _("Fund with changes")
    RESERVE = "reserve", _("Reserve list")
    REJECT = "reject", _("Reject")


# Recommendations that propose funding: refused under a threshold without an override.
FUNDING_RECOMMENDATIONS = (Recommendation.FUND, Recommendation.FUND_WITH_CHANGES)


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("review state", "Submitted")


class Review(models.Model):
    """One reviewer's scores and comments on one application."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    comment_for_applicant = models.TextField(_("comment for the applicant"), blank=True)
    confidential_comment = models.TextField(_("confidential comment for the council"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    # Computed from the scores by reviews.scoring, never typed.
    weighted_score = models.DecimalField(_("score (/20)"), null=True, blank=True, **SCORE)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("why reopened"), blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        # Declared here so that a migration can grant them to the roles.
        permissions = [
            ("review_applications", "Can review assigned applications"),
            ("view_ranking", "Can read rankings and reviews"),
        ]

    def __str__(self):
        return str(self.assignment)

    @property
    def is_submitted(self):
        return self.state == ReviewState.SUBMITTED


class CriterionScore(models.Model):
    """A score on one criterion, in a review or in a consensus report."""

    criterion = models.ForeignKey(CallCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), null=True, blank=True, max_digits=4, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["criterion__sort_order", "criterion_id"]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class ReviewScore(CriterionScore):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")

    class Meta(CriterionScore.Meta):
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]


class ConsensusReport(models.Model):
    """The rapporteur's synthesis of an application's reviews: the basis of the ranking."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="consensus"
    )
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    majority_view = models.TextField(_("majority view"), blank=True)
    minority_view = models.TextField(_("minority view"), blank=True)
    comment_for_applicant = models.TextField(_("comment for the applicant"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    weighted_score = models.DecimalField(_("agreed score (/20)"), null=True, blank=True, **SCORE)
    threshold_override = models.BooleanField(_("threshold overridden"), default=False)
    override_reason = models.TextField(_("why the threshold is overridden"), blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consensus report")
        verbose_name_plural = _("consensus reports")

    def __str__(self):
        return str(self.application)

    @property
    def is_final(self):
        return self.finalised_at is not None


class ConsensusScore(CriterionScore):
    report = models.ForeignKey(ConsensusReport, on_delete=models.CASCADE, related_name="scores")

    class Meta(CriterionScore.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["report", "criterion"], name="one_agreed_score_per_criterion"
            )
        ]


class Reply(models.Model):
    """The applicant's answer to factual errors in the comments, during the reply phase."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="reply")
    text = models.TextField(_("reply"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the lead was told that the reply phase opened (once per application).
    notified_at = models.DateTimeField(_("lead told at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("reply to the reviews")
        verbose_name_plural = _("replies to the reviews")

    def __str__(self):
        return str(self.application)
