"""Decision pages: a call's ranking with its funding line, budget and decisions (one batch at a
time); one application's proposal and decision; budgets per programme and year.

Staff record; council members read; anyone else gets a 404 (an anonymous visitor is asked to
sign in), so that nobody learns what exists.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.reauthentication import recent_authentication_required
from applications.audit import trail
from applications.models import Application, AuditSubject
from applications.queries import lead_institutions
from calls.models import Call
from reviews.ranking import call_ranking, tie_break_rule

from . import services
from .budget import (
    budget_years,
    call_budget,
    call_year,
    calls_with_budget,
    programme_envelope,
    programme_year_budget,
    programme_year_budgets,
    requested_amounts,
)
from .forms import BatchForm, DecisionForm, ProposalForm, PublicationForm, WithdrawForm
from .funding_line import funding_line
from .letters import decisions_without_letter
from .models import Body, Decision, Outcome, proposable

DECIDE = "decisions.decide"
SEE = "decisions.open_decisions"
PER_PAGE = 100


def line_parameter(value):
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


# A call's decisions


@login_required
@recent_authentication_required
def call_decisions(request, slug):
    call = get_object_or_404(Call.objects.select_related("programme"), slug=slug)
    user = request.user
    if not user.has_perm(SEE, call):
        raise Http404
    can_decide = user.has_perm(DECIDE, call)
    rows = call_ranking(call, user)  # a council member's conflicts withheld
    decisions = Decision.objects.filter(application__call=call)
    if call.grants_labels:  # each labelled row links to its collection's page
        decisions = decisions.select_related("application__collection")
    decisions = {d.application_id: d for d in decisions}
    where = request.POST if request.method == "POST" else request.GET
    line = funding_line(rows, decisions, call.envelope, line_parameter(where.get("line")))
    order = [row.application.pk for row in rows]
    form = None
    if can_decide:
        form = BatchForm(
            request.POST if request.method == "POST" else None,
            application_ids=order,
            call=call,
            initial={"step": "proposal", "scope": "selected" if call.grants_labels else "above"},
        )
    if request.method == "POST":
        if not can_decide:
            raise Http404
        if form.is_valid() and record_batch(request, form.cleaned_data, line, order):
            return redirect(f"{reverse('decisions:call', args=[call.slug])}?line={line.line}")
    page = Paginator(line.rows, PER_PAGE).get_page(request.GET.get("page"))
    institutions = lead_institutions(call.applications.all())
    for line_row in page.object_list:
        line_row.institution = institutions.get(line_row.application.pk, "")
    envelope = programme_envelope(call)
    return render(
        request,
        "decisions/call.html",
        {
            "call": call,
            "line": line,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "budget": call_budget(call),
            "programme_envelope": envelope,
            "programme_budget": programme_year_budget(call.programme, call_year(call))
            if envelope
            else None,
            "promotion": promotion_for(call, rows),
            "tie_break_rule": tie_break_rule(call),
            "can_decide": can_decide,
            "form": form,
            "counts": outcome_counts(decisions.values()),
            "withheld_count": sum(1 for row in rows if row.withheld),
            "letters_due": decisions_without_letter(call).count() if can_decide else 0,
        },
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


def promotion_for(call, rows):
    """The reserve application that the free money would fund, unless its reader may not read
    its proposal (the amount offered is the proposed one): then nothing is offered to them."""
    promotion = services.promotion_candidate(call)
    withheld = {row.application.pk for row in rows if row.withheld}
    if promotion is not None and promotion.decision.application_id in withheld:
        return None
    return promotion


def outcome_counts(decisions):
    counts = {outcome.value: 0 for outcome in Outcome}
    for decision in decisions:
        if decision.outcome:
            counts[decision.outcome] += 1
    return counts


def batch_ids(data, line, order):
    """The applications a batch concerns, in the ranking's order."""
    if data["scope"] == "above":
        return line.above_ids
    if data["scope"] == "below":
        return [row.application.pk for row in line.rows[line.line : line.ranked]]
    chosen = set(data["applications"])
    return [pk for pk in order if pk in chosen]


def record_batch(request, data, line, order):
    """Record the batch; says how it went. True when recorded."""
    ids = batch_ids(data, line, order)
    if not ids:
        messages.error(
            request, _("No application is concerned: move the funding line or tick some.")
        )
        return False
    try:
        if data["step"] == "proposal":
            done = services.propose_batch(
                ids,
                request.user,
                outcome=data["outcome"],
                motivation=data["motivation"],
                meeting_date=data["meeting_date"],
            )
        else:
            done = services.record_batch(
                ids,
                request.user,
                outcome=data["outcome"],
                meeting_date=data["meeting_date"],
                motivation=data["motivation"],
                body=data["body"] or Body.MEMBERS_COUNCIL,
                override_reason=data["override_reason"],
            )
    except services.DecisionError as error:
        messages.error(request, str(error))
        return False
    messages.success(
        request,
        ngettext("%(count)s application recorded.", "%(count)s applications recorded.", len(done))
        % {"count": len(done)},
    )
    return True


# One application


@login_required
@recent_authentication_required
def application_decision(request, pk):
    application = get_object_or_404(
        Application.objects.select_related("call__programme", "lead"), pk=pk
    )
    user = request.user
    if not user.has_perm("decisions.open_decision", application):
        raise Http404
    can_decide = user.has_perm(DECIDE, application)
    decision = Decision.objects.filter(application=application).first()
    requested = requested_amounts(application.call).get(application.pk)
    forms = blank_forms(application.call, decision, requested, request.GET)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise Http404
        step = request.POST.get("step")
        if step not in forms:
            raise Http404
        forms[step] = forms_of(application.call)[step](request.POST, prefix=step)
        if forms[step].is_valid():
            try:
                ACTIONS[step](application, user, forms[step].cleaned_data)
            except services.DecisionError as error:
                forms[step].add_error(ERROR_FIELD.get(step), str(error))
            else:
                messages.success(request, SAVED[step])
                return redirect("decisions:application", pk=application.pk)
        status = 400
    return render(
        request,
        "decisions/application.html",
        {
            "application": application,
            "call": application.call,
            "decision": decision,
            "requested": requested,
            "budget": call_budget(application.call),
            "can_decide": can_decide,
            "can_publish": user.has_perm("decisions.publish_project", application),
            "forms": forms,
            "announced": decision is not None and decision.is_public(),
            "history": trail(application, AuditSubject.DECISION),
        },
        status=status,
    )


def forms_of(call):
    """The forms of one application's page, by step; the outcomes offered are the call's."""
    return {
        "proposal": partial(ProposalForm, call=call),
        "decision": partial(DecisionForm, call=call),
        "publication": PublicationForm,
        "withdraw": WithdrawForm,
    }


def blank_forms(call, decision, requested, query):
    """The forms filled with what is recorded, or what the proposal (or the link of a reserve
    promotion: ?outcome=funded&amount=...) suggests."""
    proposal, final = {}, {"meeting_date": timezone.localdate()}
    if decision is not None:
        proposal = {
            "outcome": decision.proposed_outcome,
            "amount": decision.proposed_amount,
            "meeting_date": decision.proposal_meeting_date,
            "motivation": decision.proposal_motivation,
        }
        if decision.outcome in proposable(call):
            final = {
                field: getattr(decision, attribute)
                for field, attribute in (
                    ("outcome", "outcome"),
                    ("body", "body"),
                    ("meeting_date", "meeting_date"),
                    ("amount", "amount_granted"),
                    ("conditions", "conditions"),
                    ("reserve_rank", "reserve_rank"),
                    ("motivation", "motivation"),
                )
            }
        elif decision.proposed_outcome:
            final.update(outcome=decision.proposed_outcome, amount=decision.proposed_amount)
    final.setdefault("amount", requested)
    if query.get("outcome") in Outcome.values:
        final["outcome"] = query["outcome"]
    if query.get("amount"):
        final["amount"] = query["amount"]
    forms = forms_of(call)
    return {
        "proposal": forms["proposal"](initial=proposal, prefix="proposal"),
        "decision": forms["decision"](initial=final, prefix="decision"),
        "publication": PublicationForm(
            initial={"publication_date": getattr(decision, "publication_date", None)},
            prefix="publication",
        ),
        "withdraw": WithdrawForm(prefix="withdraw"),
    }


ACTIONS = {
    "proposal": lambda application, user, data: services.record_proposal(application, user, **data),
    "decision": lambda application, user, data: services.record_decision(application, user, **data),
    "publication": lambda application, user, data: services.set_publication_date(
        application, user, data["publication_date"]
    ),
    "withdraw": lambda application, user, data: services.withdraw_funding(
        application, user, data["reason"]
    ),
}
# A refusal shown beside this field rather than above its form.
ERROR_FIELD = {"publication": "publication_date"}
SAVED = {
    "proposal": gettext_lazy("The proposal of the scientific council is recorded."),
    "decision": gettext_lazy("The decision is recorded."),
    "publication": gettext_lazy("The publication date is recorded."),
    "withdraw": gettext_lazy("The funding is withdrawn; its money is back in the envelope."),
}


# Budgets


@login_required
def budgets(request):
    if not request.user.has_perm("decisions.see_budgets"):
        raise Http404
    years = budget_years()
    year = line_parameter(request.GET.get("year"))
    if year not in years:
        year = years[0] if years else timezone.localdate().year
    return render(
        request,
        "decisions/budgets.html",
        {
            "year": year,
            "years": years,
            "programmes": programme_year_budgets(year),
            "calls": calls_with_budget(year),
        },
    )
