"""`manage.py bench` at a tiny size, as `make bench` runs it (its settings, gunicorn on a free
port of 127.0.0.1, a database of its own), so that the benchmark cannot rot between runs: every
step prepares its data through the services and every metric of ../shared/BENCH.md comes out.

The benchmark's database starts as a copy of the migrated test database when that is SQLite
(the copy saves the migrations' time); otherwise it is migrated from scratch."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from wagtail.models import Site

ROOT = Path(__file__).resolve().parent.parent
# The keys of ../shared/BENCH.md, and those the benchmark added with their issues since.
METRICS = {
    "baseline.django_hello.rps",
    "public.home.rps",
    "public.calls.rps",
    "public.call_page.rps",
    "public.calls.ratio",
    "public.calls.queries",
    "applicant.save_draft.p50_ms",
    "applicant.submit.p50_ms",
    "deadline_rush.clients",
    "deadline_rush.acknowledged",
    "deadline_rush.stored",
    "deadline_rush.errors_5xx",
    "deadline_rush.p95_ms",
    "staff.applications_list.p50_ms",
    "reviews.auto_assign.s",
    "reviews.ranking.p50_ms",
    "reviews.dashboard.p50_ms",
    "reports.call_500.s",
    "baseline.weasyprint_table_500.s",
    "reports.call_500.ratio",
    "reports.dossier_book_100.s",
    "reports.call.queries",
    "privacy.retention.per_s",
    "projects.list.p50_ms",
    "projects.list.p95_ms",
    "projects.page.p50_ms",
    "projects.page.p95_ms",
    "projects.payments_export_csv.s",
    "projects.payments_export_xlsx.s",
}
# Issue 19's: the registry's directory and map data, measured by the next full `make bench`.
REGISTRY_METRICS = {
    "labels.collections",
    "labels.directory.p50_ms",
    "labels.directory.p95_ms",
    "labels.map_data.p50_ms",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def bench_database(tmp_path, django_db_setup, django_db_blocker):
    """A SQLite file for the benchmark: the migrated test database copied when it is SQLite
    and still holds what the migrations wrote (a transactional test before may have emptied
    it); else left to the benchmark to migrate."""
    path = tmp_path / "bench.sqlite3"
    if connection.vendor != "sqlite":
        return path
    with django_db_blocker.unblock():
        if Group.objects.exists() and Site.objects.exists():
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(path)])
    return path


def test_the_benchmark_runs_every_step_at_a_tiny_size(tmp_path, bench_database):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"sqlite:///{bench_database}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "CELERY_BROKER_URL": "memory://",
    }
    output = tmp_path / "results"
    command = [sys.executable, "manage.py", "bench", "--size", "4", "--output", str(output)]
    command += ["--port", str(free_port())]
    run = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads((output / "results.json").read_text())
    assert set(results) >= METRICS | REGISTRY_METRICS
    assert all(set(entry) == {"value", "unit", "note"} for entry in results.values())
    assert results["deadline_rush.stored"]["value"] == results["deadline_rush.clients"]["value"]
    assert results["deadline_rush.errors_5xx"]["value"] == 0
    # The demo's twenty labelled collections and the plan's bulk ones (10 per application).
    assert results["labels.collections"]["value"] >= 40
    report = (output / "performance.md").read_text()
    assert "reduced: not comparable with full runs" in report
    assert all(f"| `{key}` |" in report for key in results)
    # The committed results are the full size's: a quick run leaves them alone.
    committed = json.loads((ROOT / "bench" / "results.json").read_text())
    assert set(committed) >= METRICS
