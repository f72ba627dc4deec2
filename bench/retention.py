"""Benchmark of the retention run (issue 16): how many dossiers a night's run anonymises per
second. A call of decided applications, prepared like the reports' (submitted, screened,
reviewed three times, proposed and decided through the services), has its decisions moved back
past the longest period (funded: PERSONAL_DATA_RETENTION["FUNDED_YEARS"]); privacy.retention.run
then anonymises every one, each in its own transaction, as the nightly task does."""

import datetime as dt
import time

from django.conf import settings
from django.utils import timezone

from decisions.models import Decision
from privacy import retention

from .reports import prepare_report_call


def prepare_past_dossiers(applications, log=print):
    """A call of `applications` decided dossiers whose retention periods are all over."""
    call = prepare_report_call(applications, log=log)
    years = max(
        settings.PERSONAL_DATA_RETENTION[key] for key in ("FUNDED_YEARS", "NOT_FUNDED_YEARS")
    )
    past = timezone.now() - dt.timedelta(days=366 * (years + 1))
    Decision.objects.filter(application__call=call).update(decided_at=past)
    return call


def measure_retention(results, metric, log=print, applications=200):
    log(f"retention: preparing {applications} decided dossiers past their period")
    prepare_past_dossiers(applications, log=log)
    started = time.perf_counter()
    event = retention.run(timezone.now())
    seconds = time.perf_counter() - started
    done = sum(counts.get("anonymised", 0) for counts in event.counts.values())
    failed = sum(counts.get("failed", 0) for counts in event.counts.values())
    results["privacy.retention.per_s"] = metric(
        done / seconds,
        "dossiers/s",
        f"retention run over {done} decided dossiers past their period (each with its team, "
        f"budget, snapshot, 3 reviews, screening and decision), one transaction each, "
        f"{seconds:.1f} s in all; {failed} failed",
    )
    log(f"retention: {done} dossiers anonymised in {seconds:.1f} s")
