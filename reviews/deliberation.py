"""Deliberation: the rapporteur's consensus report, and the applicants' right to reply."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.roles import Role
from applications import audit
from applications.facts import application_and_call
from applications.models import Application, ApplicationState, AuditSubject
from applications.rules import is_lead, judged_at
from applications.services import locked
from common.permissions import require
from notifications.events import Event
from notifications.services import notify

from .conflicts import ReviewerFacts, conflicts, dossier_facts
from .errors import ReviewError
from .models import (
    FUNDING_RECOMMENDATIONS,
    Assignment,
    AssignmentState,
    ConsensusReport,
    ConsensusScore,
    Reply,
)
from .scoring import parse_scores, threshold_failures, weighted_score


def rapporteur_choices(application):
    """Who may write the consensus: the application's reviewers who accepted it, and council
    members; never someone in conflict with it."""
    User = get_user_model()
    reviewers = Assignment.objects.filter(
        application=application, state=AssignmentState.ACCEPTED
    ).values("reviewer")
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=reviewers) | Q(groups__name=Role.COUNCIL_MEMBER.value))
        .select_related("institution")
        .distinct()
    )
    facts = dossier_facts([application])[application.pk]  # loaded once for every person
    return [person for person in people if not conflicts(ReviewerFacts.of(person), facts)]


def set_rapporteur(application, rapporteur, actor):
    """Staff choose who writes the application's consensus report."""
    if rapporteur not in rapporteur_choices(application):
        raise ReviewError(
            _(
                "%(name)s cannot be rapporteur: choose a reviewer of this dossier or a council "
                "member without a conflict of interest."
            )
            % {"name": rapporteur}
        )
    with transaction.atomic():
        application = locked(application)
        report, _created = ConsensusReport.objects.select_for_update().get_or_create(
            application=application
        )
        application.consensus = report
        require(
            actor,
            "reviews.choose_rapporteur",
            application,
            ReviewError,
            _("The consensus report is final.")
            if report.is_final
            else _("Only programme staff choose the rapporteur."),
        )
        if report.rapporteur_id == rapporteur.pk:
            return report
        report.rapporteur = rapporteur
        report.save(update_fields=["rapporteur", "updated_at"])
        audit.record(
            application,
            actor,
            AuditSubject.CONSENSUS,
            "set_rapporteur",
            "draft",
            "draft",
            audit.person(rapporteur),
        )
    return report


def consensus_of(application):
    """The application's consensus report with a row per criterion (created on first access)."""
    report, _created = ConsensusReport.objects.get_or_create(application=application)
    existing = set(report.scores.values_list("criterion_id", flat=True))
    ConsensusScore.objects.bulk_create(
        ConsensusScore(report=report, criterion=criterion)
        for criterion in application.call.criteria.all()
        if criterion.pk not in existing
    )
    return report


def save_consensus(application, actor, data, *, finalise=False, now=None):
    """Save the consensus report; `finalise` also checks it is complete and makes it the basis
    of the ranking. Proposing funding under a threshold needs an override with a reason.

    data: {"scores": {criterion id: (raw, comment)}, "majority_view", "minority_view",
           "comment_for_applicant", "recommendation", "threshold_override", "override_reason"}
    """
    with transaction.atomic():
        application = locked(application)
        call = application.call
        report = consensus_of(application)
        report = ConsensusReport.objects.select_for_update().get(pk=report.pk)
        application.consensus = report
        require(
            actor,
            "reviews.write_consensus",
            application,
            ReviewError,
            _("The consensus report is final. Staff can reopen it.")
            if report.is_final
            else _("You may not write this consensus report."),
        )
        criteria = {criterion.pk: criterion for criterion in call.criteria.all()}
        rows = {row.criterion_id: row for row in report.scores.all()}
        parsed, problems = parse_scores(call, criteria, data.get("scores"))
        for criterion_id, (value, comment) in parsed.items():
            rows[criterion_id].score, rows[criterion_id].comment = value, comment
        for name in ("majority_view", "minority_view", "comment_for_applicant", "override_reason"):
            setattr(report, name, (data.get(name) or "").strip())
        report.recommendation = data.get("recommendation") or ""
        report.threshold_override = bool(data.get("threshold_override"))
        scores = {criterion_id: row.score for criterion_id, row in rows.items()}
        report.weighted_score = weighted_score(criteria.values(), scores)
        failures = threshold_failures(call, criteria.values(), scores, report.weighted_score)
        if report.threshold_override and not report.override_reason:
            problems["override_reason"] = [_("Say why the threshold is overridden.")]
        proposes_funding = report.recommendation in FUNDING_RECOMMENDATIONS
        if proposes_funding and failures and not report.threshold_override:
            problems["recommendation"] = [
                _("Under a threshold, funding can only be proposed with an override:")
                + " "
                + pgettext("list separator", "; ").join(failures)
            ]
        if finalise:
            for criterion_id, value in scores.items():
                if value is None:
                    problems.setdefault(f"score_{criterion_id}", []).append(
                        _("Give the agreed score.")
                    )
            if not report.recommendation:
                problems.setdefault("recommendation", []).append(_("Choose a recommendation."))
            if not report.comment_for_applicant:
                problems["comment_for_applicant"] = [_("Write the comment for the applicant.")]
        if problems:
            raise ReviewError(
                _("The consensus report was not saved: see the fields marked."), problems
            )
        ConsensusScore.objects.bulk_update(rows.values(), ["score", "comment"])
        if finalise:
            report.finalised_at = now or timezone.now()
            audit.record(
                application,
                actor,
                AuditSubject.CONSENSUS,
                "finalise",
                "draft",
                "final",
                report.override_reason if report.threshold_override else "",
            )
        report.save()
    return report


def reopen_consensus(report, actor):
    """Staff make a final consensus report editable again."""
    with transaction.atomic():
        report = (
            ConsensusReport.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=report.pk)
        )
        if not report.is_final:
            return report
        report.application.consensus = report
        require(
            actor,
            "reviews.reopen_consensus",
            report.application,
            ReviewError,
            _("Only programme staff reopen a consensus report."),
        )
        report.finalised_at = None
        report.save(update_fields=["finalised_at", "updated_at"])
        audit.record(
            report.application_id, actor, AuditSubject.CONSENSUS, "reopen", "final", "draft"
        )
    return report


def save_reply(application, actor, text, now=None):
    """The lead answers the comments during the call's reply phase, within its length limit."""
    text = (text or "").strip()
    with transaction.atomic():
        application = judged_at(locked(application), now)
        call = application.call
        require(
            actor,
            "reviews.write_reply",
            application,
            ReviewError,
            _("The reply phase is not open.")
            if is_lead(actor, application)
            else _("Only the lead applicant can reply."),
        )
        if len(text) > call.reply_max_chars:
            raise ReviewError(
                _("Your reply has %(count)s characters; the limit is %(max)s.")
                % {"count": len(text), "max": call.reply_max_chars},
                {"text": [_("Shorten your reply.")]},
            )
        reply, _created = Reply.objects.get_or_create(application=application)
        reply.text = text
        reply.author = actor
        reply.save(update_fields=["text", "author", "updated_at"])
    return reply


def open_reply_phases(now=None):
    """Tell each lead, once, that the reply phase of their application's call is open."""
    now = now or timezone.now()
    told = 0
    pending = Application.objects.filter(
        state=ApplicationState.IN_REVIEW,
        call__reply_opens_at__lte=now,
        call__reply_closes_at__gt=now,
    ).exclude(reply__notified_at__isnull=False)
    for application in pending.select_related("call", "lead"):
        with transaction.atomic():
            reply, _created = Reply.objects.select_for_update().get_or_create(
                application=application
            )
            if reply.notified_at:
                continue
            reply.notified_at = now
            reply.save(update_fields=["notified_at"])
            notify(
                Event.REPLY_PHASE_OPEN,
                [application.lead],
                application_and_call(application),
                url=reverse("reviews:reply", args=[application.pk]),
            )
            told += 1
    return told
