"""PostgreSQL restarts while applicants submit at the deadline."""

import threading
import time

import pytest

from .checks import complete, intact_draft, sent_once, wait_for_mail
from .load import request, submit, submit_all

pytestmark = pytest.mark.faults

APPLICANTS = 80


def test_a_restart_during_a_submission_rush_loses_no_acknowledged_submission(stack, postgres):
    stack.start_web()
    stack.start_worker("a")
    stack.start_beat()
    bench = stack.probe("prepare", APPLICANTS)
    applications = bench["applications"]

    # The applicants submit at once; once a quarter have their answer, PostgreSQL restarts
    # (fast shutdown: sessions are cut, transactions under way are rolled back).
    answered = threading.Semaphore(0)
    outcomes = []
    load = threading.Thread(target=lambda: outcomes.extend(submit_all(applications, answered)))
    load.start()
    for _ in range(APPLICANTS // 4):
        assert answered.acquire(timeout=60), "the submissions got no answer"
    postgres.stop("fast")
    time.sleep(1)
    postgres.start()
    load.join(120)
    assert not load.is_alive() and len(outcomes) == APPLICANTS

    acknowledged = {o.application for o in outcomes if o.acknowledged}
    refused = [o for o in outcomes if not o.acknowledged]
    # Every applicant had an answer, none was left hanging: success, or the error page.
    assert [o for o in outcomes if o.status == 0] == []
    assert {o.status for o in refused} <= {500, 503}
    assert acknowledged and refused, "the restart came before or after the whole load"

    rows = {int(pk): row for pk, row in stack.probe("inspect", bench["call"]).items()}
    # Each acknowledged submission is stored whole; nothing is half-stored: each application is
    # either submitted whole or still the draft it was.
    assert [pk for pk in acknowledged if not complete(rows[pk])] == []
    assert [pk for pk, row in rows.items() if not (complete(row) or intact_draft(row))] == []

    # The site serves again without a restart of gunicorn: the refused submit again, and succeed.
    again = [submit(a) for a in applications if a["id"] not in acknowledged]
    assert [o for o in again if not o.acknowledged] == []
    first = applications[0]
    assert request("GET", f"/candidatures/{first['id']}/", first["cookies"])[0] == 200

    rows = {int(pk): row for pk, row in stack.probe("inspect", bench["call"]).items()}
    assert [pk for pk, row in rows.items() if not complete(row)] == []
    # One receipt each, sent once, though the worker lost its database in the middle.
    sent = wait_for_mail(stack, APPLICANTS)
    rows = {int(pk): row for pk, row in stack.probe("inspect", bench["call"]).items()}
    assert sent_once(rows, sent) == []
    print(
        f"\n{APPLICANTS} submitted at once, PostgreSQL restarted: {len(acknowledged)} "
        f"acknowledged and stored, {len(refused)} refused ({sorted({o.status for o in refused})}"
        f", the slowest answer in {max(o.seconds for o in outcomes):.1f} s)"
        f" then submitted again; {sum(map(len, sent.values()))} e-mails for {APPLICANTS} receipts"
    )
