"""Periodic work of peer review (Celery beat, see CELERY_BEAT_SCHEDULE)."""

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationState
from notifications.events import Event
from notifications.services import notify

from .deliberation import open_reply_phases
from .facts import assignments_context
from .models import Assignment, AssignmentState, ReviewerProfile, ReviewState

DUE_SOON = dt.timedelta(days=3)
ONCE_A_DAY = dt.timedelta(days=1)


def reminders_due(now):
    """{reviewer profile: [assignments]}: reviews not submitted, due within DUE_SOON or late,
    of reviewers not reminded in the last day."""
    assignments = (
        Assignment.objects.filter(
            state__in=AssignmentState.active,
            due_at__lte=now + DUE_SOON,
            application__state=ApplicationState.IN_REVIEW,
        )
        .filter(
            Q(reviewer__reviewer_profile__last_reminded_at__isnull=True)
            | Q(reviewer__reviewer_profile__last_reminded_at__lte=now - ONCE_A_DAY)
        )
        .exclude(review__state=ReviewState.SUBMITTED)
        .select_related("application__call", "reviewer__reviewer_profile")
        .order_by("reviewer_id", "due_at", "pk")
    )
    due = {}
    for assignment in assignments:
        due.setdefault(assignment.reviewer.reviewer_profile, []).append(assignment)
    return due


def remind(profile, assignments, now):
    """Claim the day's reminder for this reviewer (a conditional update: two workers running at
    once cannot both send), then queue one message listing their dossiers, in the same
    transaction. Returns True when this call sent it."""
    with transaction.atomic():
        claimed = ReviewerProfile.objects.filter(
            pk=profile.pk, last_reminded_at=profile.last_reminded_at
        ).update(last_reminded_at=now)
        if not claimed:
            return False
        Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(last_reminder_at=now)
        late = [assignment for assignment in assignments if assignment.due_at <= now]
        notify(
            Event.REVIEW_LATE if late else Event.REVIEW_DUE_SOON,
            [profile.user],
            assignments_context(assignments, first=(late or assignments)[0]),
            url=reverse("reviews:dashboard"),
        )
    return True


@shared_task
def send_review_reminders():
    """Remind reviewers of reviews due soon or late, at most once a day each; tell leads that a
    reply phase opened. Returns the number of reminders sent."""
    now = timezone.now()
    sent = sum(remind(profile, theirs, now) for profile, theirs in reminders_due(now).items())
    open_reply_phases(now)
    return sent
