"""Benchmark data for peer review: a call with 1,000 eligible applications, submitted by the
applicant's services and screened by staff's, then closed and taken offline as staff do;
assigned automatically to the bench reviewers, who accept and submit every review through the
reviewer's services."""

import datetime as dt
import random
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Discipline, User
from applications.services import start_application, submit_application
from demo.publishing import publish
from demo.volume import BENCH_DOMAIN, EXPERTISE
from reviews.assignments import accept_assignment, apply_proposal, propose_assignments
from reviews.eligibility import screen_application
from reviews.models import Assignment, ReviewerProfile
from reviews.reviewing import submit_review

from .prepare import SUMMARY, complete_draft, open_bench_call

# The applications' keywords: the words the large demo gives the bench reviewers' expertise.
KEYWORDS = EXPERTISE[:12]


def prepare_review_call(applications=1000, log=print):
    """A call whose `applications` are submitted and screened eligible, then closed and
    unpublished (out of the public lists); returns it."""
    call = open_bench_call(
        "Évaluation banc d'essai",
        "evaluation",
        dt.timedelta(hours=2),
        criteria=[
            ("Qualité scientifique", "3", 5),
            ("Faisabilité", "2", 10),
            ("Ouverture", "1", 5),
        ],
        reviewers_per_application=3,
        half_points=True,
        total_threshold=Decimal("10"),
    )
    acronym, summary = (block.id for block in call.questions if not block.block.is_section)
    leads = list(
        User.objects.filter(email__startswith="porteur-", email__endswith=f"@{BENCH_DOMAIN}")
        .select_related("institution")
        .order_by("email")[:applications]
    )
    if len(leads) < applications:
        raise SystemExit("not enough benchmark applicants: run load_demo --size large")
    disciplines = list(Discipline.objects.order_by("code"))
    manager = User.objects.get(email="gestion@example.org")
    rng = random.Random(4)
    started = time.perf_counter()
    for number, lead in enumerate(leads):
        with transaction.atomic():
            application = start_application(lead, call)
            words = rng.sample(KEYWORDS, 2)
            complete_draft(
                application,
                f"Numérisation {words[0]} {number}",
                {acronym: f"E{number}", summary: SUMMARY},
                ("Archiviste", f"arch-{number}@example.org", "archivist"),
                20000 + 37 * number,
                keywords=", ".join(words),
                disciplines=[disciplines[number % len(disciplines)]] if disciplines else [],
            )
            submit_application(application, lead)
            screen_application(application, manager, checks={}, eligible=True)
        if number and number % 250 == 0:
            log(f"  {number} applications submitted and screened")
    close_and_unpublish(call)
    log(f"{applications} applications in {time.perf_counter() - started:.0f} s")
    return call


def close_and_unpublish(call):
    """What staff do in the admin once the applications are in: the deadline brought to now,
    published, then the call taken offline so that runs on the same database stay comparable."""
    call.closes_at = timezone.now()
    call.full_clean()
    call.save()
    publish(call)
    call.unpublish()
    call.refresh_from_db()


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
    """Every reviewer accepts and submits each review, through the reviewer's services; scores
    drawn at random on each criterion's scale (half points). Returns the number of reviews."""
    rng = random.Random(11)
    criteria = list(call.criteria.all())
    assignments = Assignment.objects.filter(application__call=call).select_related("reviewer")
    count = 0
    for assignment in assignments.order_by("pk"):
        reviewer = assignment.reviewer
        accept_assignment(assignment, reviewer)
        scores = {
            c.pk: (str(Decimal(rng.randint(c.scale_min * 2, c.scale_max * 2)) / 2), "")
            for c in criteria
        }
        data = {
            "scores": scores,
            "comment_for_applicant": "Projet clair, calendrier réaliste.",
            "confidential_comment": "Équipe solide.",
            "recommendation": rng.choice(["fund", "fund_with_changes", "reserve", "reject"]),
        }
        submit_review(assignment, reviewer, data)
        count += 1
    return count
