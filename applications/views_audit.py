"""Programme staff: an application's history (the audit trail), as a page and as CSV.

The trail names reviewers and holds the reasons of conflicts of interest: anyone but programme
staff gets a 404, as for every other page about an application.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.files import private, private_content

from . import audit
from .rules import application_or_404

PERMISSION = "applications.read_audit_trail"


@login_required
@require_GET
def history(request, pk):
    application = application_or_404(request.user, pk, PERMISSION)
    response = render(
        request,
        "applications/staff/audit_trail.html",
        {
            "application": application,
            "call": application.call,
            "headers": audit.headers(),
            "rows": audit.trail(application),
        },
    )
    return private(response)


@login_required
@require_GET
def history_csv(request, pk):
    application = application_or_404(request.user, pk, PERMISSION)
    return private_content(
        audit.as_csv(audit.trail(application)),
        audit.csv_filename(application),
        "text/csv; charset=utf-8",
    )
