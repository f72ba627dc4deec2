"""Latency of the staff and reviewer pages at the large demo size, p50 and p95, over HTTP.

Each page is loaded `loads` times one after the other by a signed-in browser (a session in the
database, as bench.prepare makes them) against gunicorn; the first answer must be 200.
"""

from django.db import models
from django.urls import reverse
from django.utils import translation

from .http import Browser, p50, percentile
from .prepare import session_cookies


def page_timings(user, path, loads):
    browser = Browser(session_cookies(user))
    timings = []
    for _ in range(loads):
        status, _location, _body, ms = browser.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status} to {user.email}")
        timings.append(ms)
    return timings


def record(results, metric, key, timings, what):
    loads = len(timings)
    results[f"{key}.p50_ms"] = metric(p50(timings), "ms", f"p50 of {loads} loads of {what}")
    results[f"{key}.p95_ms"] = metric(
        percentile(timings, 0.95), "ms", f"p95 of {loads} loads of {what}"
    )


def measure_pages(results, metric, bench, review_call, reviews, log=print, most_loads=20):
    """The pages staff, the council and reviewers use most, on the benchmark calls; each
    loaded 10 or 20 times, at most `most_loads`."""
    from accounts.models import User
    from reviews.models import Assignment

    manager = User.objects.get(email="gestion@example.org")
    busiest = (
        Assignment.objects.filter(application__call=review_call)
        .values("reviewer")
        .annotate(n=models.Count("pk"))
        .order_by("-n")
        .first()
    )
    reviewer = User.objects.get(pk=busiest["reviewer"])
    assignment = Assignment.objects.filter(application__call=review_call, reviewer=reviewer).first()
    applications = review_call.applications.count()
    listed = len(bench["rush"]) + len(bench["submitters"]) + 1
    slug = review_call.slug
    with translation.override("fr"):
        pages = [
            # key, who, path, loads, what
            (
                "staff.applications_list",
                manager,
                reverse("applications:call_applications", args=[bench["call"].slug]),
                20,
                f"one call's list of applications ({listed} applications, 50 a page)",
            ),
            (
                "staff.screening",
                manager,
                reverse("reviews:screening", args=[slug]),
                20,
                f"the eligibility screening list ({applications} applications, one page)",
            ),
            (
                "staff.assignments",
                manager,
                reverse("reviews:assignments", args=[slug]),
                10,
                f"the assignments page of a call ({applications} applications, "
                f"{3 * applications} assignments)",
            ),
            (
                "reviews.ranking",
                manager,
                reverse("reviews:ranking", args=[slug]),
                10,
                f"the ranking's first page (100 rows; ranks computed over all {applications} "
                f"applications and {reviews} reviews)",
            ),
            (
                "staff.dossier",
                manager,
                reverse("reviews:dossier", args=[assignment.application_id]),
                20,
                "one dossier with its reviews (staff)",
            ),
            (
                "decisions.call",
                manager,
                reverse("decisions:call", args=[slug]),
                10,
                f"the decisions page with the funding line (ranking of {applications} "
                "applications, first page)",
            ),
            (
                "decisions.budgets",
                manager,
                reverse("decisions:budgets"),
                20,
                "the budgets page (every programme, year and call)",
            ),
            (
                "reviews.dashboard",
                reviewer,
                reverse("reviews:dashboard"),
                20,
                f"a reviewer's dashboard ({busiest['n']} dossiers)",
            ),
            (
                "reviews.assignment",
                reviewer,
                reverse("reviews:assignment", args=[assignment.pk]),
                20,
                "a reviewer's dossier page with the review form",
            ),
        ]
    for key, user, path, loads, what in pages:
        timings = page_timings(user, path, min(loads, most_loads))
        record(results, metric, key, timings, what)
        log(f"{key}: p50 {p50(timings):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms")
