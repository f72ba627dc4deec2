"""Programme staff's page on retention ("Données personnelles"): what the next run will
anonymise, per rule; the holds in force, with their reasons; a form to hold a dossier and a
button to lift a hold; the log of what was done with personal data (exports, erasures,
retention runs, holds). It never shows a second factor, a token or a password."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from applications.models import Application

from . import holds, retention
from .forms import HoldForm
from .models import EventKind, Hold, PrivacyEvent
from .register import REGISTER, RETENTION_RULES

# Records listed per rule; the count says how many more the run will take.
LISTED = 25
# The log's latest events shown, newest first.
LOGGED = 50
# What str(user) reads: the full name, else the address.
NAME_FIELDS = ("first_name", "last_name", "email")
# A retention run's count of each kind of row, in words.
COUNTED = {
    "anonymised": lambda count: ngettext("%(count)d anonymised", "%(count)d anonymised", count),
    "failed": lambda count: ngettext("%(count)d failed", "%(count)d failed", count),
    "deleted": lambda count: ngettext("%(count)d deleted", "%(count)d deleted", count),
}


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


def log():
    """The latest events of the privacy log, with the person as their account shows them (the
    placeholder once erased), the application's reference, who acted and a retention run's
    counts in words; one query."""
    events = list(
        PrivacyEvent.objects.select_related("person", "application", "actor").only(
            *("kind", "note", "counts", "at", "person", "application", "actor"),
            "application__call_id",
            *(f"{who}__{field}" for who in ("person", "actor") for field in NAME_FIELDS),
        )[:LOGGED]
    )
    for event in events:
        event.counts_in_words = counts_in_words(event.counts)
        event.by_the_run = event.kind == EventKind.RETENTION_RUN and event.actor_id is None
    return events


def counts_in_words(counts):
    """A retention run's counts ({rule key: {"anonymised": n, "failed": n} or {"deleted": n}})
    as one line per rule that did something, the rule by its name in the register: "Abandoned
    drafts: 3 anonymised, 1 failed". Nothing done says so."""
    if not counts:
        return []
    names = {entry.key: entry.name for entry in REGISTER}
    names.update({key: rule.name for key, rule in RETENTION_RULES.items()})
    separator = pgettext("label separator", ":")
    lines = []
    for key, numbers in counts.items():
        done = [
            COUNTED[kind](count) % {"count": count} if kind in COUNTED else f"{kind} {count}"
            for kind, count in numbers.items()
            if count
        ]
        if done:
            lines.append(f"{names.get(key, key)}{separator} {', '.join(done)}")
    return lines or [_("Nothing was due.")]


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
            "log": log(),
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
