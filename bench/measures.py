"""What `manage.py bench` measures over HTTP and in process, and how it writes the results
(../shared/BENCH.md): gunicorn on 127.0.0.1 (or the smoke test's server), every loop bounded in
requests and time by the plan."""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import http
from bench.http import Browser, form_fields, p50, percentile, throughput
from bench.prepare import session_cookies

ROOT = Path(__file__).resolve().parent.parent


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def start_gunicorn():
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"{http.HOST}:{http.PORT}",
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


def measure_public(results, call_slug, plan):
    pages = {
        "baseline.django_hello.rps": "/bench/hello/",
        "public.home.rps": "/",
        "public.calls.rps": "/appels/",
        "public.call_page.rps": f"/appels/{call_slug}/",
    }
    for key, path in pages.items():
        rps, failures = throughput(path, max_requests=plan.requests, max_seconds=plan.seconds)
        log(f"{key}: {rps:.0f} req/s ({len(failures)} failures)")
        results[key] = metric(
            rps,
            "req/s",
            f"GET {path}, 16 connections, at most {plan.requests} "
            f"requests or {plan.seconds:g} s; {len(failures)} non-200 answers",
        )
    results["public.calls.ratio"] = metric(
        results["public.calls.rps"]["value"] / results["baseline.django_hello.rps"]["value"],
        "ratio",
        "public.calls.rps / baseline.django_hello.rps, same run",
    )
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/appels/", HTTP_HOST=http.HOST)
    assert response.status_code == 200, response.status_code
    results["public.calls.queries"] = metric(
        len(queries), "queries", "database queries to render the call list at the large size"
    )


def measure_applicant(results, bench, plan):
    saver = bench["saver"]
    browser = Browser(session_cookies(saver.lead))
    edit = f"/candidatures/{saver.pk}/"
    status, _location, page, _ms = browser.request("GET", edit)
    assert status == 200, f"the draft page answered {status}"
    fields = form_fields(page)
    timings = []
    for number in range(plan.saves):
        fields = [(k, v) for k, v in fields if k != "title"] + [("title", f"Projet {number}")]
        status, _location, body, ms = browser.request(
            "POST", edit, fields, headers={"X-Requested-With": "fetch"}
        )
        assert status == 200, f"save answered {status}: {body[:200]!r}"
        version = str(json.loads(body)["version"])
        fields = [(k, version if k == "version" else v) for k, v in fields]
        timings.append(ms)
    results["applicant.save_draft.p50_ms"] = metric(
        p50(timings),
        "ms",
        f"p50 of {plan.saves} automatic saves of a complete draft by one applicant",
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


def write(results, about, results_file, report_file):
    """results.json, and the same figures as a table in performance.md."""
    results_file.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`manage.py bench`, see `bench/management/commands/bench.py`):",
        "gunicorn with 2 sync workers on 127.0.0.1, the large demo data (`load_demo --size",
        "large`), loads generated by Python threads on the same machine (so client and server",
        "share the cores). Speed figures are given beside a minimal Django view served the same",
        "way in the same run.",
        "",
        f"- Size: {about['size']} applications in the review call"
        + ("" if about["full"] else " (reduced: not comparable with full runs)"),
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
    report_file.write_text("\n".join(lines) + "\n")
