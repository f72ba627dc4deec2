"""Benchmark data for peer review: a closed call with 1,000 eligible applications, made through
the applicant's and staff's services, then assigned automatically to the 200 bench reviewers."""

import datetime as dt
import random
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Discipline, User
from applications.models import Application, BudgetLine, TeamMember
from applications.services import save_draft, start_application, submit_application
from calls.models import Call, CallCriterion
from demo.volume import BENCH_DOMAIN, EXPERTISE
from reviews.assignments import apply_proposal, propose_assignments
from reviews.eligibility import screen_application
from reviews.models import (
    Assignment,
    AssignmentState,
    ConflictDeclaration,
    Review,
    ReviewerProfile,
    ReviewScore,
    ReviewState,
)
from reviews.scoring import weighted_score

from .prepare import SUMMARY, open_bench_call

# The applications' keywords: the words the large demo gives the bench reviewers' expertise.
KEYWORDS = EXPERTISE[:12]


def prepare_review_call(applications=1000, log=print):
    """A call whose 1,000 applications are submitted and screened eligible; returns it."""
    # Published to receive applications; unpublished once they are in.
    call = open_bench_call(
        "Évaluation banc d'essai",
        "evaluation",
        dt.timedelta(hours=2),
        reviewers_per_application=3,
        half_points=True,
        total_threshold=Decimal("10"),
    )
    for position, (name, weight, top) in enumerate(
        [("Qualité scientifique", "3", 5), ("Faisabilité", "2", 10), ("Ouverture", "1", 5)]
    ):
        CallCriterion.objects.create(
            call=call, sort_order=position, name_fr=name, weight=Decimal(weight), scale_max=top
        )
    acronym, summary = (block.id for block in call.questions if block.block_type != "section")
    leads = list(
        User.objects.filter(email__startswith="porteur-", email__endswith=f"@{BENCH_DOMAIN}")
        .select_related("institution")
        .order_by("email")[:applications]
    )
    if len(leads) < applications:
        raise SystemExit("not enough benchmark applicants: run load_demo --size large")
    disciplines = list(Discipline.objects.order_by("code").values_list("pk", flat=True))
    manager = User.objects.get(email="gestion@example.org")
    rng = random.Random(4)
    started = time.perf_counter()
    for number, lead in enumerate(leads):
        with transaction.atomic():
            application = start_application(lead, call)
            words = rng.sample(KEYWORDS, 2)
            save_draft(
                application,
                application.version,
                actor=lead,
                title=f"Numérisation {words[0]} {number}",
                answers={acronym: f"E{number}", summary: SUMMARY},
            )
            Application.objects.filter(pk=application.pk).update(keywords=", ".join(words))
            if disciplines:
                application.disciplines.add(disciplines[number % len(disciplines)])
            application.team.update(role="researcher")
            TeamMember.objects.create(
                application=application,
                name="Archiviste",
                email=f"arch-{number}@example.org",
                role="archivist",
                position=1,
            )
            BudgetLine.objects.create(
                application=application,
                category="staff",
                description="Vacations",
                amount_requested=Decimal(20000 + 37 * number),
            )
            submit_application(application, lead)
            screen_application(application, manager, checks={}, eligible=True)
        if number and number % 250 == 0:
            log(f"  {number} applications submitted and screened")
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now(), live=False)
    call.refresh_from_db()
    log(f"{applications} applications in {time.perf_counter() - started:.0f} s")
    return call


def bench_reviewers():
    """How many bench reviewers have a profile (the large demo gives them one)."""
    count = ReviewerProfile.objects.filter(user__email__endswith=f"@{BENCH_DOMAIN}").count()
    if not count:
        raise SystemExit("no benchmark reviewers: run load_demo --size large")
    return count


def auto_assign(call):
    """What the benchmark times: propose, then apply, as staff do. Returns (created, uncovered)."""
    manager = User.objects.get(email="gestion@example.org")
    proposal = propose_assignments(call, manager)
    created, _skipped = apply_proposal(proposal, manager)
    return len(created), sum(missing for _id, missing, _why in proposal.uncovered)


def submit_all_reviews(call):
    """Every assignment accepted and reviewed. Bulk inserts, with the score computed by the
    same function the review form uses (3,000 reviews through the form would take minutes)."""
    rng = random.Random(11)
    criteria = list(call.criteria.all())
    assignments = list(Assignment.objects.filter(application__call=call))
    now = timezone.now()
    Assignment.objects.filter(application__call=call).update(
        state=AssignmentState.ACCEPTED, responded_at=now
    )
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(assignment=assignment, has_conflict=False) for assignment in assignments
    )
    reviews, scores = [], []
    for assignment in assignments:
        values = {
            c.pk: Decimal(rng.randint(c.scale_min * 2, c.scale_max * 2)) / 2 for c in criteria
        }
        review = Review(
            assignment=assignment,
            state=ReviewState.SUBMITTED,
            comment_for_applicant="Projet clair, calendrier réaliste.",
            confidential_comment="Équipe solide.",
            recommendation=rng.choice(["fund", "fund_with_changes", "reserve", "reject"]),
            weighted_score=weighted_score(criteria, values),
            submitted_at=now,
        )
        reviews.append(review)
        scores.append(values)
    Review.objects.bulk_create(reviews, batch_size=500)
    ReviewScore.objects.bulk_create(
        (
            ReviewScore(review=review, criterion_id=criterion_id, score=value)
            for review, values in zip(reviews, scores, strict=True)
            for criterion_id, value in values.items()
        ),
        batch_size=1000,
    )
    return len(reviews)
