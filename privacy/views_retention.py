"""Programme staff's page on retention ("Données personnelles"): what the next run will
anonymise, per rule; the holds in force, with their reasons; a form to hold a dossier and a
button to lift a hold. It never shows a second factor, a token or a password."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.models import Application

from . import holds, retention
from .forms import HoldForm
from .models import Hold
from .register import RETENTION_RULES

# Records listed per rule; the count says how many more the run will take.
LISTED = 25


def due_by_rule(now):
    """Per rule: its register entry, how many records are due and the first of them, each with
    the start of its period and its end."""
    rows = []
    for key, records in retention.due(now).items():
        rule = RETENTION_RULES[key]
        if key == "delivery_log":
            listed = []
        elif key == "inactive_account":
            listed = list(records.only("pk", "first_name", "last_name", "email")[:LISTED])
        else:
            listed = list(records.select_related("call").only("pk", "call_id", "title")[:LISTED])
        for record in listed:
            record.period_ends = retention.ends(rule, record.since)
        rows.append(
            {
                "key": key,
                "rule": rule,
                "count": records.count(),
                "records": listed,
                "of_accounts": key == "inactive_account",
                "of_messages": key == "delivery_log",
            }
        )
    return rows


def require_staff(user):
    if not user.has_perm("privacy.manage_retention"):
        raise Http404


@login_required
@require_GET
def retention_page(request):
    require_staff(request.user)
    return render_page(request)


def render_page(request, form=None):
    return render(
        request,
        "privacy/retention.html",
        {
            "rules": due_by_rule(timezone.now()),
            "holds": Hold.objects.select_related("application", "placed_by"),
            "form": form or HoldForm(),
            "listed": LISTED,
        },
    )


@login_required
@require_POST
def place_hold(request):
    require_staff(request.user)
    form = HoldForm(request.POST)
    if form.is_valid():
        application = form.cleaned_data["reference"]
        try:
            holds.place_hold(application, form.cleaned_data["reason"], request.user)
        except holds.HoldRefused as refusal:
            form.add_error("reference", refusal.messages)
        else:
            messages.success(
                request,
                _("The dossier %(reference)s is held.") % {"reference": application.reference},
            )
            return redirect("privacy:retention")
    return render_page(request, form=form)


@login_required
@require_POST
def lift_hold(request, pk):
    require_staff(request.user)
    application = get_object_or_404(Application, pk=pk)
    try:
        holds.lift_hold(application, request.user)
    except holds.HoldRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The hold on %(reference)s is lifted.") % {"reference": application.reference},
        )
    return redirect("privacy:retention")
