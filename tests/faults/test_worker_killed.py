"""Celery workers killed (SIGKILL) in the middle of a task: another takes the work over."""

import os
import signal

import pytest

from .checks import complete, sent_once, wait_for_mail
from .load import submit
from .mail import MARKER
from .services import wait_until

pytestmark = pytest.mark.faults


def report_state(postgres, report_id):
    return postgres.value("SELECT state FROM reports_report WHERE id = %s", report_id)


def test_a_receipt_and_a_report_whose_workers_die_mid_task_are_sent_and_built_once(stack, postgres):
    stack.start_web()
    stack.start_beat()
    # A slow mail server behind worker "a": it is killed, whole, while it sends a receipt (the
    # delivery locked and marked sent, not committed).
    stack.start_worker("a", extra_env={"FAULTS_MAIL_DELAY": "5"})
    bench = stack.probe("prepare", 2)
    applications = bench["applications"]
    assert submit(applications[0]).acknowledged
    wait_until(lambda: any(stack.mail.glob(f"*{MARKER}")), 60, "worker a did not start sending")
    os.killpg(stack.workers.pop("a").pid, signal.SIGKILL)
    assert stack.sent_mail() == {}

    # Worker "b" takes over, with a working mail server: the receipt is sent by the sweeper.
    stack.start_worker("b")
    assert submit(applications[1]).acknowledged
    wait_until(lambda: len(stack.sent_mail()) == 2, 60, "the two receipts were not sent")

    # A report is being built by b's pool process (held in the middle, waiting for a table)
    # when the kernel kills that process, as the out-of-memory killer would: b's main process
    # gives the task back to the queue, and a new pool process builds the report.
    with postgres.table_locked("applications_application"):
        report = stack.probe("report", bench["call"])
        wait_until(lambda: report_state(postgres, report) == "running", 60, "no report was built")
        [pool] = stack.pool_children("b")
        os.kill(pool, signal.SIGKILL)
        wait_until(lambda: stack.pool_children("b") != [pool], 30, "b's pool was not replaced")
        assert report_state(postgres, report) == "running"
    wait_until(lambda: report_state(postgres, report) == "done", 90, "the report was not done")

    rows = {int(pk): row for pk, row in stack.probe("inspect", bench["call"]).items()}
    assert [pk for pk, row in rows.items() if not complete(row)] == []
    manager = f"manager-{bench['call']}@example.org"
    sent = wait_for_mail(stack, 3)
    # Each receipt once, the report's "ready" message once, nothing else.
    assert len(sent.pop(manager, [])) == 1
    assert sent_once(rows, sent) == []
    log = (stack.folder / "worker-b.log").read_text()
    assert "WorkerLostError" in log


def test_a_report_whose_whole_worker_dies_is_built_once_by_another_worker(stack, postgres):
    """The worker and its pool are killed together (a machine lost): nobody gives the task back,
    Redis hands it to another worker once its visibility timeout is over (an hour in
    production, longer than any report may take; 10 seconds here)."""
    visibility = {"FAULTS_VISIBILITY_TIMEOUT": "10"}
    stack.start_worker("c", extra_env=visibility)
    bench = stack.probe("prepare", 1)
    with postgres.table_locked("applications_application"):
        report = stack.probe("report", bench["call"])
        wait_until(lambda: report_state(postgres, report) == "running", 60, "no report was built")
        os.killpg(stack.workers.pop("c").pid, signal.SIGKILL)
    stack.start_worker("d", extra_env=visibility)
    wait_until(lambda: report_state(postgres, report) == "done", 90, "the report was not done")

    sent = wait_for_mail(stack, 1)
    assert {email: len(ids) for email, ids in sent.items()} == {
        f"manager-{bench['call']}@example.org": 1
    }
    assert "build_report" in (stack.folder / "worker-d.log").read_text()
