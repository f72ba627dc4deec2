"""What a text that staff edit may state about an application and its submission: plain values
only (common.sandbox), nothing about its reviews or reviewers."""

from calls.facts import call_facts, in_language

from .models import ApplicationState


def application_facts(application):
    return {
        "reference": application.reference,
        "title": application.title,
        "state": application.state,
        "state_label": ApplicationState(application.state).label,
        "submitted_at": application.submitted_at,
        "call_title": in_language(lambda: application.call.title),
    }


def submission_facts(submission):
    return {
        "number": submission.number,
        "received_at": submission.received_at,
        "fingerprint": submission.fingerprint,
    }


def application_and_call(application):
    """The two variables most messages about an application receive."""
    return {"application": application_facts(application), "call": call_facts(application.call)}
