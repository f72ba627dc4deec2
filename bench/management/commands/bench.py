"""`manage.py bench` (`make bench`): measures the platform served by gunicorn, as
../shared/BENCH.md describes, and writes bench/results.json and docs/performance.md.

    DJANGO_SETTINGS_MODULE=bench.settings python manage.py bench            # the full size
    DJANGO_SETTINGS_MODULE=bench.settings python manage.py bench --size 50  # a quick run

Migrates, loads the demo (the large one at the full size), prepares the benchmark calls through
the services users go through (bench/prepare.py, bench/review.py, bench/projects.py,
bench/reports.py; the registry's collections in bulk, bench/registry.py), then
measures against gunicorn on 127.0.0.1 only, every loop bounded in requests and time. Below the
full size every step still runs, scaled down (bench/plan.py), and the results go to a
directory of their own unless --output says where: they are not comparable with the full runs'.
"""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import http
from bench.measures import (
    ROOT,
    deadline_rush,
    log,
    machine,
    measure_applicant,
    measure_auto_assign,
    measure_public,
    metric,
    start_gunicorn,
    write,
)
from bench.pages import measure_pages
from bench.plan import FULL_SIZE, Plan
from bench.prepare import prepare_applicants
from bench.projects import measure_projects
from bench.registry import measure_registry
from bench.reports import measure_reports
from bench.retention import measure_retention
from bench.review import prepare_review_call
from demo.people import demo_password_hash
from demo.volume import (
    load_volume_accounts,
    load_volume_collections,
    load_volume_reviewer_profiles,
)


class Command(BaseCommand):
    help = "Benchmark the platform (../shared/BENCH.md); --size below 1000 for a quick run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            type=int,
            default=FULL_SIZE,
            help=f"applications of the review call ({FULL_SIZE}: the full benchmark)",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="directory for results.json and performance.md (default: bench/ and docs/ at "
            "the full size, a temporary directory below it)",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=http.PORT,
            help=f"port of gunicorn on 127.0.0.1 (default {http.PORT})",
        )

    def handle(self, *args, size, output, port, **options):
        plan = Plan(size)
        http.serve_at(http.HOST, port)
        about = {**machine(), "size": plan.size, "full": plan.full}
        log(f"database: {about['database']}; size {plan.size}; migrating and loading the demo")
        call_command("migrate", verbosity=0, interactive=False)
        load_data(plan)
        bench = prepare_applicants(rush=plan.rush, submitters=plan.submitters)
        log(f"prepared {plan.rush + plan.submitters + 1} complete drafts on {bench['call'].slug}")
        review_call = prepare_review_call(plan.size, log=log)
        connection.close()
        results = {}
        with serving():
            try:
                measure_public(results, bench["demo_call_slug"], plan)
                measure_applicant(results, bench, plan)
                deadline_rush(results, bench)
                reviews = measure_auto_assign(results, review_call)
                measure_pages(
                    results, metric, bench, review_call, reviews, log, most_loads=plan.page_loads
                )
                # After the review pages: every application of the review call is then funded.
                measure_projects(results, metric, review_call, log, most_loads=plan.page_loads)
                measure_registry(results, metric, log, most_loads=plan.page_loads)
            finally:
                # Runs on the same database stay comparable: the call leaves the public lists.
                bench["call"].unpublish()
        measure_reports(
            results,
            metric,
            log=log,
            call_size=plan.report_call,
            book_size=plan.dossier_book,
            runs=plan.report_runs,
        )
        measure_retention(results, metric, log=log, applications=plan.retention)
        results_file, report_file = output_files(plan, output)
        write(results, about, results_file, report_file)
        log(f"wrote {results_file} and {report_file}")
        stored, acknowledged, errors = (
            results[f"deadline_rush.{key}"]["value"]
            for key in ("stored", "acknowledged", "errors_5xx")
        )
        if stored != acknowledged or errors:
            raise CommandError(
                f"deadline rush: {acknowledged} acknowledged, {stored} stored, {errors} errors"
            )


def load_data(plan):
    """The large demo at the full size; below it, the demo and just the bench accounts the plan
    needs (the large demo's generated calls left out)."""
    if plan.full:
        call_command("load_demo", size="large", verbosity=0)
        return
    call_command("load_demo", verbosity=0)
    load_volume_accounts(demo_password_hash(), plan.applicants, plan.reviewers)
    load_volume_reviewer_profiles()
    load_volume_collections(plan.collections)


@contextmanager
def serving():
    """gunicorn on 127.0.0.1 for the measures, stopped after them."""
    process = start_gunicorn()
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def output_files(plan, output):
    """Where results.json and performance.md go: the committed ones only at the full size."""
    if output is None and plan.full:
        return ROOT / "bench" / "results.json", ROOT / "docs" / "performance.md"
    directory = output or Path(tempfile.mkdtemp(prefix=f"collex-bench-{plan.size}-"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory / "results.json", directory / "performance.md"
