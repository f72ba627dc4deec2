"""`make bench`: measures the platform served by gunicorn, as ../shared/BENCH.md describes.

Runs on the database of DATABASE_URL (a scratch PostgreSQL database, say) or on a throw-away
SQLite file, loads the large demo, prepares applicants with complete drafts through the same
services as the site, then measures against gunicorn on 127.0.0.1 only, every loop bounded in
requests and time. Writes bench/results.json and docs/performance.md.
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/collex-bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", "/tmp/collex-bench-media")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", "/tmp/collex-bench-private")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.http import HOST, PORT, Browser, p50, percentile, throughput  # noqa: E402
from bench.pages import measure_pages  # noqa: E402
from bench.prepare import prepare_applicants, session_cookies  # noqa: E402
from bench.reports import measure_reports  # noqa: E402
from bench.review import prepare_review_call  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
REPORT = ROOT / "docs" / "performance.md"
RUSH_CLIENTS = 200


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def start_gunicorn():
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"{HOST}:{PORT}",
        "--timeout",
        "120",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            status, *_ = Browser(timeout=5).request("GET", "/bench/hello/")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start within 60 seconds")


def metric(value, unit, note):
    return {
        "value": round(value, 3) if isinstance(value, float) else value,
        "unit": unit,
        "note": note,
    }


def measure_public(results, call_slug):
    pages = {
        "baseline.django_hello.rps": "/bench/hello/",
        "public.home.rps": "/",
        "public.calls.rps": "/appels/",
        "public.call_page.rps": f"/appels/{call_slug}/",
    }
    for key, path in pages.items():
        rps, failures = throughput(path)
        log(f"{key}: {rps:.0f} req/s ({len(failures)} failures)")
        results[key] = metric(
            rps,
            "req/s",
            f"GET {path}, 16 connections, at most 3000 "
            f"requests or 8 s; {len(failures)} non-200 answers",
        )
    results["public.calls.ratio"] = metric(
        results["public.calls.rps"]["value"] / results["baseline.django_hello.rps"]["value"],
        "ratio",
        "public.calls.rps / baseline.django_hello.rps, same run",
    )
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/appels/", HTTP_HOST=HOST)
    assert response.status_code == 200, response.status_code
    results["public.calls.queries"] = metric(
        len(queries), "queries", "database queries to render the call list at the large size"
    )


def measure_applicant(results, bench):
    saver = bench["saver"]
    browser = Browser(session_cookies(saver.lead))
    edit = f"/candidatures/{saver.pk}/"
    status, _location, page, _ms = browser.request("GET", edit)
    assert status == 200, f"the draft page answered {status}"
    from bench.http import form_fields

    fields = form_fields(page)
    timings = []
    for number in range(40):
        fields = [(k, v) for k, v in fields if k != "title"] + [("title", f"Projet {number}")]
        status, _location, body, ms = browser.request(
            "POST", edit, fields, headers={"X-Requested-With": "fetch"}
        )
        assert status == 200, f"save answered {status}: {body[:200]!r}"
        version = str(json.loads(body)["version"])
        fields = [(k, version if k == "version" else v) for k, v in fields]
        timings.append(ms)
    results["applicant.save_draft.p50_ms"] = metric(
        p50(timings), "ms", "p50 of 40 automatic saves of a complete draft by one applicant"
    )
    log(f"save draft p50 {p50(timings):.1f} ms")

    timings = []
    for application in bench["submitters"]:
        status, location, _body, ms = Browser(session_cookies(application.lead)).request(
            "POST", f"/candidatures/{application.pk}/deposer/"
        )
        assert status == 302 and f"/candidatures/{application.pk}/" in location, (status, location)
        timings.append(ms)
    results["applicant.submit.p50_ms"] = metric(
        p50(timings), "ms", f"p50 of {len(timings)} submissions, one after the other"
    )
    log(f"submit p50 {p50(timings):.1f} ms")


def deadline_rush(results, bench):
    """200 applicants submit at once in the last minute before the deadline."""
    from applications.models import Submission
    from applications.snapshot import fingerprint

    call = bench["call"]
    call.closes_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    call.save(update_fields=["closes_at"])
    applications = bench["rush"]
    browsers = [Browser(session_cookies(a.lead), timeout=90) for a in applications]
    outcomes = [None] * len(applications)
    start = threading.Barrier(len(applications))

    def submit(index):
        application = applications[index]
        start.wait()
        try:
            outcomes[index] = browsers[index].request(
                "POST", f"/candidatures/{application.pk}/deposer/"
            )
        except OSError as error:
            outcomes[index] = (0, str(error), b"", 0.0)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(applications))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    duration = time.perf_counter() - started
    acknowledged = [
        a.pk
        for a, (status, location, *_rest) in zip(applications, outcomes, strict=True)
        if status == 302 and f"/candidatures/{a.pk}/" in location
    ]
    stored = 0
    for submission in Submission.objects.filter(application_id__in=acknowledged):
        content = submission.content
        complete = (
            content["title"]
            and len(content["team"]) >= 2
            and content["budget"]["lines"]
            and fingerprint(content) == submission.fingerprint
        )
        stored += bool(complete)
    latencies = [outcome[3] for outcome in outcomes if outcome and outcome[0]]
    errors = sum(1 for outcome in outcomes if outcome and outcome[0] >= 500)
    failures = sum(1 for outcome in outcomes if not outcome or outcome[0] == 0)
    results["deadline_rush.clients"] = metric(
        len(applications), "count", "applicants submitting at the same instant"
    )
    results["deadline_rush.acknowledged"] = metric(
        len(acknowledged), "count", "answered as accepted (redirect to the application)"
    )
    results["deadline_rush.stored"] = metric(
        stored,
        "count",
        "acknowledged submissions found complete "
        "in the database afterwards (snapshot, fingerprint)",
    )
    results["deadline_rush.errors_5xx"] = metric(
        errors, "count", f"server errors; {failures} connections failed without an answer"
    )
    results["deadline_rush.p95_ms"] = metric(
        percentile(latencies, 0.95),
        "ms",
        f"p95 submission latency under the rush (whole rush {duration:.1f} s, 2 sync workers)",
    )
    log(
        f"rush: {len(acknowledged)} acknowledged, {stored} stored, {errors} errors 5xx, "
        f"p95 {percentile(latencies, 0.95):.0f} ms"
    )


def measure_auto_assign(results, call):
    """Automatic assignment of the review call, in process, then every review submitted."""
    from bench.review import auto_assign, bench_reviewers, submit_all_reviews

    reviewers = bench_reviewers()
    started = time.perf_counter()
    created, uncovered = auto_assign(call)
    seconds = time.perf_counter() - started
    applications = call.applications.count()
    results["reviews.auto_assign.s"] = metric(
        seconds,
        "s",
        f"propose then apply: {applications} applications x {call.reviewers_per_application} "
        f"reviewers among {reviewers} (max 20 each); {created} assignments, {uncovered} places "
        "uncovered, one message per reviewer queued",
    )
    log(f"auto-assignment {seconds:.2f} s: {created} assignments, {uncovered} uncovered")
    reviews = submit_all_reviews(call)
    connection.close()
    return reviews


def machine():
    meminfo = Path("/proc/meminfo")
    lines = meminfo.read_text().splitlines() if meminfo.exists() else []
    memory = next((line.split()[1] for line in lines if line.startswith("MemTotal")), "0")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "database": connection.vendor,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def write(results, about):
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (see `bench/run.py`): gunicorn with 2 sync workers on 127.0.0.1,",
        "the large demo data (`load_demo --size large`), loads generated by Python threads on the",
        "same machine (so client and server share the cores). Speed figures are given beside a",
        "minimal Django view served the same way in the same run.",
        "",
        f"- Machine: {about['cores']} cores, {about['memory_gib']} GiB, Python {about['python']}",
        f"- Database: {about['database']}"
        + (
            " (SQLite: set DATABASE_URL to a scratch PostgreSQL database for production figures)"
            if about["database"] == "sqlite"
            else ""
        ),
        f"- Date: {about['date']}",
        "",
        "| metric | value | unit | what it is |",
        "| --- | ---: | --- | --- |",
    ]
    for key, item in sorted(results.items()):
        lines.append(f"| `{key}` | {item['value']} | {item['unit']} | {item['note']} |")
    REPORT.write_text("\n".join(lines) + "\n")


def main():
    about = machine()
    log(f"database: {about['database']}; migrating and loading the large demo")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", size="large", verbosity=0)
    bench = prepare_applicants(rush=RUSH_CLIENTS, submitters=30)
    log(f"prepared {RUSH_CLIENTS + 31} complete drafts on call {bench['call'].slug}")
    review_call = prepare_review_call(log=log)
    connection.close()
    server = start_gunicorn()
    results = {}
    try:
        measure_public(results, bench["demo_call_slug"])
        measure_applicant(results, bench)
        deadline_rush(results, bench)
        reviews = measure_auto_assign(results, review_call)
        measure_pages(results, metric, bench, review_call, reviews, log=log)
    finally:
        server.terminate()
        server.wait(timeout=30)
        # Runs on the same database stay comparable: the benchmark call leaves the public lists.
        bench["call"].live = False
        bench["call"].save(update_fields=["live"])
    measure_reports(results, metric, log=log)
    write(results, about)
    log(f"wrote {RESULTS.relative_to(ROOT)} and {REPORT.relative_to(ROOT)}")
    rush_ok = (
        results["deadline_rush.stored"]["value"] == results["deadline_rush.acknowledged"]["value"]
        and results["deadline_rush.errors_5xx"]["value"] == 0
    )
    return 0 if rush_ok else 1


if __name__ == "__main__":
    sys.exit(main())
