"""What the fault tests ask of the database, run as `python -m tests.faults.probe COMMAND` in a
process of its own on the private services (tests.faults.settings): the test process itself
keeps away from Django's database, which is the suite's, not the private cluster.

    prepare N       a call open for applications, N applicants with complete drafts and their
                    browser cookies (signed in), as JSON
    inspect CALL    every application of the call: state, draft, submissions, messages
    report CALL     a programme manager asks for the call report; its id
    reports         the state of every report
"""

import json
import os
import sys
import uuid

import django


def prepare(count):
    from allauth.account.models import EmailAddress

    from bench.prepare import session_cookies
    from tests.factories import ApplicationFactory, CallFactory

    call = CallFactory(slug=f"faults-{uuid.uuid4().hex[:12]}")  # one database for every test
    applications = [
        ApplicationFactory(call=call, complete=True, lead__email=f"lead-{call.pk}-{n}@example.org")
        for n in range(count)
    ]
    EmailAddress.objects.bulk_create(  # they may sign in as well
        EmailAddress(user=a.lead, email=a.lead.email, verified=True, primary=True)
        for a in applications
    )
    return {
        "call": call.pk,
        "applications": [
            {"id": a.pk, "email": a.lead.email, "cookies": session_cookies(a.lead)}
            for a in applications
        ],
    }


def inspect(call_id):
    from applications.models import Application
    from applications.snapshot import fingerprint
    from notifications.events import Event
    from notifications.models import Delivery, Message

    rows = {}
    applications = Application.objects.filter(call_id=call_id).select_related("lead")
    for application in applications.order_by("pk"):
        submissions = [
            {
                "number": s.number,
                "fingerprint_ok": fingerprint(s.content) == s.fingerprint,
                "title": s.content.get("title"),
                "team": len(s.content.get("team") or []),
                "budget_lines": len((s.content.get("budget") or {}).get("lines") or []),
            }
            for s in application.submissions.order_by("number")
        ]
        messages = Message.objects.filter(
            event=Event.APPLICATION_SUBMITTED, user=application.lead
        ).values_list("pk", flat=True)
        deliveries = Delivery.objects.filter(message__in=list(messages))
        rows[application.pk] = {
            "state": application.state,
            "submitted_at": bool(application.submitted_at),
            "title": application.title,
            "team": application.team.count(),
            "budget_lines": application.budget_lines.count(),
            "events": list(application.events.order_by("pk").values_list("action", flat=True)),
            "submissions": submissions,
            "messages": len(messages),
            "deliveries": sorted(deliveries.values_list("state", flat=True)),
            "email": application.lead.email,
        }
    return rows


def report(call_id):
    from accounts.roles import Role
    from calls.models import Call
    from reports.governance.jobs import request_report
    from reports.models import ReportKind
    from tests.factories import UserFactory

    manager = UserFactory(email=f"manager-{call_id}@example.org", roles=[Role.PROGRAMME_MANAGER])
    call = Call.objects.get(pk=call_id)
    # Outside any transaction: the task is queued at once.
    return request_report(manager, ReportKind.CALL, call=call, language="fr").pk


def reports():
    from reports.models import Report

    return {
        str(pk): {"state": state, "error": error}
        for pk, state, error in Report.objects.values_list("pk", "state", "error")
    }


def main(command, *args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.faults.settings")
    django.setup()
    commands = {"prepare": prepare, "inspect": inspect, "report": report, "reports": reports}
    result = commands[command](*(int(arg) for arg in args))
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
