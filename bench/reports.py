"""Benchmark of the governance reports (../shared/BENCH.md): the call report of a call with 500
applications and 3 reviews each, compared with WeasyPrint alone rendering a plain table of the
same 500 rows in the same run; the dossier book of 100 applications; the report's query count.

Built in process (what the Celery task runs), on calls prepared like the review benchmark's:
applications submitted and screened, reviewers assigned automatically, reviews submitted, the
scientific council's proposals and the members' council's decisions recorded, all through the
services.
"""

import random
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from applications.queries import lead_institutions
from decisions.models import Outcome
from decisions.services import record_decision, record_proposal
from reports.governance import build_document
from reports.governance.documents import render_pdf
from reports.governance.queries import requested_amounts
from reviews.ranking import call_ranking

from .review import auto_assign, prepare_review_call, submit_all_reviews

CALL_SIZE = 500
BOOK_SIZE = 100
RUNS = 3  # each figure is the median of three builds


def prepare_report_call(applications, log=print):
    """A call of `applications` reviewed 3 times each, with a decision on every one: a fifth
    funded (what they asked), a fifth on the reserve list, the others rejected; proposed by the
    scientific council, then decided by the members' council, as staff record them."""
    call = prepare_review_call(applications=applications, log=log)
    auto_assign(call)
    submit_all_reviews(call)
    requested = requested_amounts(call.applications.all())
    manager = User.objects.get(email="gestion@example.org")
    rng = random.Random(7)
    today = timezone.now().date()
    motivation = "Décision du conseil des membres, après l'avis du conseil scientifique."
    for number, application in enumerate(call.applications.order_by("pk")):
        outcome = [Outcome.FUNDED, Outcome.RESERVE, Outcome.REJECTED, Outcome.REJECTED][
            rng.randrange(4) if number % 5 else 0
        ]
        amount = requested[application.pk] if outcome == Outcome.FUNDED else None
        record_proposal(application, manager, outcome=outcome, amount=amount, motivation=motivation)
        record_decision(
            application,
            manager,
            outcome=outcome,
            meeting_date=today,
            amount=amount,
            motivation=motivation,
            # The benchmark funds past the programme's envelope of the year: staff say why.
            override_reason="Banc d'essai : enveloppe dépassée à dessein.",
        )
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


def measure_reports(
    results, metric, log=print, call_size=CALL_SIZE, book_size=BOOK_SIZE, runs=RUNS
):
    """Prepare both calls, then time the reports (the median of `runs` builds each); `metric`
    makes each result entry."""
    log(f"reports: preparing a call of {call_size} applications and one of {book_size}")
    call = prepare_report_call(call_size, log=log)
    book_call = prepare_report_call(book_size, log=log)

    queries = {}

    def call_report(subject, size):
        with CaptureQueriesContext(connection) as captured:
            document = build_document("call", call=subject, language="fr")
        queries[size] = len(captured)
        return document

    seconds, document = timed(lambda: call_report(call, call_size), runs)
    reviews = call_size * 3
    results[f"reports.call_{CALL_SIZE}.s"] = metric(
        seconds,
        "s",
        f"median of {runs} builds of the call report ({call_size} applications, {reviews} "
        f"reviews, a decision each): data, HTML and PDF, {document.pages} pages",
    )
    html = plain_table(call)
    baseline, pages = timed(lambda: render_pdf(html)[1], runs)
    results[f"baseline.weasyprint_table_{CALL_SIZE}.s"] = metric(
        baseline,
        "s",
        f"median of {runs}: WeasyPrint alone rendering a plain HTML table of the same "
        f"{call_size} rows (9 columns, no styles), {pages} pages",
    )
    results[f"reports.call_{CALL_SIZE}.ratio"] = metric(
        seconds / baseline,
        "ratio",
        f"reports.call_{CALL_SIZE}.s / baseline.weasyprint_table_{CALL_SIZE}.s, same run",
    )
    log(f"call report {seconds:.2f} s, plain table {baseline:.2f} s")

    seconds, document = timed(
        lambda: build_document("dossiers", call=book_call, language="fr"), runs
    )
    results[f"reports.dossier_book_{BOOK_SIZE}.s"] = metric(
        seconds,
        "s",
        f"median of {runs} builds of the dossier book of {book_size} applications with 3 reviews "
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
