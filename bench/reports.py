"""Benchmark of the governance reports (../shared/BENCH.md): the call report of a call with 500
applications and 3 reviews each, compared with WeasyPrint alone rendering a plain table of the
same 500 rows in the same run; the dossier book of 100 applications; the report's query count.

Built in process (what the Celery task runs), on calls prepared like the review benchmark's:
applications submitted and screened through the services, reviewers assigned automatically,
reviews and decisions bulk-inserted.
"""

import random
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from decisions.models import Decision, Outcome
from reports.governance import build_document
from reports.governance.documents import render_pdf
from reports.governance.queries import lead_institutions, requested_amounts
from reviews.ranking import call_ranking

from .review import auto_assign, prepare_review_call, submit_all_reviews

CALL_SIZE = 500
BOOK_SIZE = 100
RUNS = 3  # each figure is the median of three builds


def prepare_report_call(applications, log=print):
    """A call of `applications` reviewed 3 times each, with a decision on every one: a fifth
    funded (what they asked), a fifth on the reserve list, the others rejected."""
    call = prepare_review_call(applications=applications, log=log)
    auto_assign(call)
    submit_all_reviews(call)
    requested = requested_amounts(call.applications.all())
    rng = random.Random(7)
    now = timezone.now()
    decisions = []
    for number, application_id in enumerate(sorted(requested)):
        outcome = [Outcome.FUNDED, Outcome.RESERVE, Outcome.REJECTED, Outcome.REJECTED][
            rng.randrange(4) if number % 5 else 0
        ]
        decisions.append(
            Decision(
                application_id=application_id,
                proposed_outcome=outcome,
                outcome=outcome,
                proposed_amount=requested[application_id] if outcome == Outcome.FUNDED else None,
                amount_granted=requested[application_id] if outcome == Outcome.FUNDED else None,
                reserve_rank=number + 1 if outcome == Outcome.RESERVE else None,
                motivation="Décision du conseil des membres, après l'avis du conseil scientifique.",
                meeting_date=now.date(),
                decided_at=now,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=500)
    return call


def plain_table(call):
    """The rows of the call report's ranking as a bare HTML table (no layout, no styles)."""
    institutions = lead_institutions(call.applications.all())
    cells = []
    for row in call_ranking(call):
        application = row.application
        values = [
            row.rank,
            application.reference,
            application.title,
            institutions.get(application.pk, ""),
            row.done,
            row.mean,
            row.spread,
            row.score,
            application.requested,
        ]
        cells.append(
            "<tr>" + "".join(f"<td>{escape('' if v is None else v)}</td>" for v in values) + "</tr>"
        )
    return f"<html><body><table>{''.join(cells)}</table></body></html>"


def timed(function, runs=RUNS):
    """The median duration of `runs` calls, in seconds, and the last result."""
    durations, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def measure_reports(results, metric, log=print, call_size=CALL_SIZE, book_size=BOOK_SIZE):
    """Prepare both calls, then time the reports; `metric` makes each result entry."""
    log(f"reports: preparing a call of {call_size} applications and one of {book_size}")
    call = prepare_report_call(call_size, log=log)
    book_call = prepare_report_call(book_size, log=log)

    queries = {}

    def call_report(subject, size):
        with CaptureQueriesContext(connection) as captured:
            document = build_document("call", call=subject, language="fr")
        queries[size] = len(captured)
        return document

    seconds, document = timed(lambda: call_report(call, call_size))
    reviews = call_size * 3
    results[f"reports.call_{CALL_SIZE}.s"] = metric(
        seconds,
        "s",
        f"median of {RUNS} builds of the call report ({call_size} applications, {reviews} "
        f"reviews, a decision each): data, HTML and PDF, {document.pages} pages",
    )
    html = plain_table(call)
    baseline, pages = timed(lambda: render_pdf(html)[1])
    results[f"baseline.weasyprint_table_{CALL_SIZE}.s"] = metric(
        baseline,
        "s",
        f"median of {RUNS}: WeasyPrint alone rendering a plain HTML table of the same "
        f"{call_size} rows (9 columns, no styles), {pages} pages",
    )
    results[f"reports.call_{CALL_SIZE}.ratio"] = metric(
        seconds / baseline,
        "ratio",
        f"reports.call_{CALL_SIZE}.s / baseline.weasyprint_table_{CALL_SIZE}.s, same run",
    )
    log(f"call report {seconds:.2f} s, plain table {baseline:.2f} s")

    seconds, document = timed(lambda: build_document("dossiers", call=book_call, language="fr"))
    results[f"reports.dossier_book_{BOOK_SIZE}.s"] = metric(
        seconds,
        "s",
        f"median of {RUNS} builds of the dossier book of {book_size} applications with 3 reviews "
        f"each, {document.pages} pages",
    )
    log(f"dossier book {seconds:.2f} s, {document.pages} pages")

    for _ in range(2):  # the second, like the timed runs, once per-process caches are warm
        call_report(book_call, book_size)
    results["reports.call.queries"] = metric(
        queries[call_size],
        "queries",
        f"database queries to build the call report of {call_size} applications "
        f"({queries[book_size]} for {book_size}: it does not grow with the applications)",
    )
    log(f"call report queries: {queries}")
    return results
