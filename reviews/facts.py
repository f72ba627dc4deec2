"""What a message may state about an assignment or an invitation: plain values only
(common.sandbox). Sent to reviewers and staff, never to applicants (notifications drops these
variables from applicants' messages)."""

from applications.facts import application_facts
from calls.facts import call_facts


def assignment_facts(assignment):
    return {"due_at": assignment.due_at, "application": application_facts(assignment.application)}


def assignments_context(assignments, first=None):
    """The variables of a message about one or several assignments of one reviewer; `first`
    (the first of them by default) is the one a message about a single assignment names."""
    first = first or assignments[0]
    return {
        "assignment": assignment_facts(first),
        "application": application_facts(first.application),
        "call": call_facts(first.application.call),
        "assignments": [assignment_facts(assignment) for assignment in assignments],
        "count": len(assignments),
    }


def invitation_facts(invitation):
    return {"name": invitation.name, "email": invitation.email, "message": invitation.message}
