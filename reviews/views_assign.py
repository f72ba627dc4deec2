"""Staff: the reviewer directory and invitations, assignments by hand and automatic.

Anyone without the permission gets a 404, so that nobody learns what exists. Each page loads what
it shows in a fixed number of queries, whatever the number of applications and reviewers.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application, ApplicationState
from calls.models import Call

from . import matching
from .assignments import (
    apply_proposal,
    assign_reviewer,
    call_loads,
    cancel_assignment,
    propose_assignments,
)
from .assignments import reviewers as all_reviewers
from .claims import claims_of, people_with_conflicts, record_claims, rule_on_claim
from .conflicts import facts_of, with_accounts
from .errors import ReviewError
from .forms_assign import AssignForm, InviteForm
from .invitations import VALID_FOR, invite_reviewer
from .models import (
    Assignment,
    AssignmentProposal,
    ClaimState,
    Invitation,
    ReviewerProfile,
    TeamClaim,
)
from .reviewing import reopen_review as reopen
from .rules import assignment_or_404

MANAGE = "reviews.manage_assignments"

UNCOVERED_REASONS = {
    matching.TOO_FEW_WITHOUT_CONFLICT: gettext_lazy(
        "Not enough reviewers without a conflict of interest."
    ),
    matching.ALL_AT_MAXIMUM: gettext_lazy(
        "Every reviewer without a conflict of interest is at their maximum."
    ),
}


def language_name(code):
    try:
        return str(get_language_info(code)["name_translated"]).capitalize()
    except KeyError:
        return code


def staff_call_or_404(request, slug):
    call = get_object_or_404(Call.objects.select_related("programme"), slug=slug)
    if not request.user.has_perm(MANAGE, call):
        raise Http404
    return call


# The directory of reviewers and invitations


@login_required
def reviewers(request):
    if not request.user.has_perm("reviews.manage_reviewers"):
        raise Http404
    calls = list(Call.objects.only("pk", "slug", "title_fr", "title_en", "closes_at"))
    form = InviteForm(request.POST or None, calls=calls)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            invitation = invite_reviewer(
                email=data["email"],
                actor=request.user,
                name=data["name"],
                message=data["message"],
                call=data["call"],
                language=data["language"],
            )
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("reviews:reviewers")
        messages.error(request, _("The invitation was not sent: correct the fields marked."))
    people = list(
        all_reviewers()
        .prefetch_related("reviewer_profile__disciplines")
        .order_by("last_name", "first_name", "email")
    )
    for person in people:
        person.language_names = [language_name(c) for c in person.reviewer_profile.languages]
    now = timezone.now()
    pending = list(
        Invitation.objects.filter(accepted_at__isnull=True).select_related("call", "invited_by")
    )
    for invitation in pending:
        invitation.expires_at = invitation.created_at + VALID_FOR
        invitation.expired = invitation.expires_at < now
    return render(
        request,
        "reviews/staff/reviewers.html",
        {"reviewers": people, "invitations": pending, "form": form},
        status=400 if form.is_bound else 200,
    )


# A call's assignments


def assignment_board(call, actor=None):
    """The call's reviewable applications with their assignments and the reviewers their teams
    name (claims found now are recorded: reviews.claims), and every reviewer with their load in
    the call: a fixed number of queries whatever the sizes.

    The facts of the dossiers and the people are read once, for the claims and for the page;
    when no claim is new (every visit but the first), nothing is locked or written."""
    applications = list(
        with_accounts(Application.objects.filter(call=call, state__in=ApplicationState.reviewable))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("reviewer", "review").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("pk")
    )
    everyone = list(people_with_conflicts())
    facts = facts_of(applications)
    if record_claims(applications, actor, facts=facts, people=everyone):
        facts = facts_of(applications)  # with the claims just recorded
    needed = call.reviewers_per_application
    for application in applications:
        application.active_count = sum(1 for a in application.assignments.all() if a.is_active)
        application.missing = max(needed - application.active_count, 0)
        application.claims = facts[application.pk].recorded
        application.pending_claims = {
            claim.reviewer_id for claim in application.claims if claim.is_pending
        }
    loads = call_loads(call)
    people = [person for person in everyone if person.is_reviewer and has_profile(person)]
    for person in people:
        profile = person.reviewer_profile
        person.load = loads.get(person.pk, 0)
        person.at_maximum = person.load >= profile.max_load
        person.choice_label = _("%(name)s (%(institution)s) – %(load)s/%(max)s in this call") % {
            "name": person,
            "institution": person.institution or _("no institution"),
            "load": person.load,
            "max": profile.max_load,
        }
    return applications, people


def has_profile(person):
    """Whether `person`, read with select_related("reviewer_profile"), has one (no query)."""
    try:
        return person.reviewer_profile is not None
    except ReviewerProfile.DoesNotExist:
        return False


@login_required
def assignments(request, slug):
    call = staff_call_or_404(request, slug)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "propose":
        proposal = propose_assignments(call, request.user)
        return redirect("reviews:proposal", slug=call.slug, pk=proposal.pk)
    if action in ("confirm_claim", "dismiss_claim"):
        return rule(request, call, confirm=action == "confirm_claim")
    applications, people = assignment_board(call, request.user)
    form = AssignForm(
        request.POST if action == "assign" else None,
        applications=applications,
        reviewers=people,
        initial={"application": request.GET.get("application")},
    )
    status = 200
    if action == "assign":
        if form.is_valid():
            try:
                assignment = assign_reviewer(
                    form.cleaned_data["application"],
                    form.cleaned_data["reviewer"],
                    request.user,
                    due_at=form.due_at(),
                )
            except ReviewError as error:
                # Beside the field it is about (the reviewer, whom the team names), or above.
                for field, problems in error.problems.items():
                    form.add_error(field, problems)
                if not error.problems:
                    form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(name)s is asked to review %(reference)s.")
                    % {
                        "name": assignment.reviewer,
                        "reference": assignment.application.reference,
                    },
                )
                return redirect(board_url(call, assignment.application_id))
        status = 400
    needed = call.reviewers_per_application
    return render(
        request,
        "reviews/staff/assignments.html",
        {
            "call": call,
            "applications": applications,
            "reviewers": people,
            "form": form,
            "uncovered": sum(1 for application in applications if application.missing),
            "needed": needed,
            "proposals": AssignmentProposal.objects.filter(
                call=call, applied_at__isnull=True
            ).select_related("created_by")[:5],
        },
        status=status,
    )


def rule(request, call, confirm):
    """Staff confirm or dismiss a conflict named by the team; back to where they were."""
    claim = get_object_or_404(
        TeamClaim.objects.select_related("application", "reviewer"),
        pk=request.POST.get("claim") if str(request.POST.get("claim", "")).isdigit() else None,
        application__call=call,
    )
    try:
        rule_on_claim(claim, request.user, confirm)
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        message = (
            _("%(name)s is in conflict with %(reference)s: confirmed.")
            if confirm
            else _("The claim on %(name)s for %(reference)s is dismissed: no obstacle.")
        )
        messages.success(
            request, message % {"name": claim.reviewer, "reference": claim.application.reference}
        )
    return redirect(back_to(request, board_url(call, claim.application_id)))


def board_url(call, application_id=None):
    url = reverse("reviews:assignments", kwargs={"slug": call.slug})
    return f"{url}#application-{application_id}" if application_id else url


def back_to(request, fallback):
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


@login_required
@require_POST
def cancel(request, pk):
    assignment = assignment_or_404(request.user, pk, MANAGE)
    call = assignment.application.call
    try:
        cancel_assignment(assignment, request.user, request.POST.get("reason", ""))
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The assignment of %(name)s to %(reference)s is cancelled.")
            % {"name": assignment.reviewer, "reference": assignment.application.reference},
        )
    return redirect(back_to(request, board_url(call, assignment.application_id)))


@login_required
@require_POST
def reopen_review(request, pk):
    assignment = assignment_or_404(request.user, pk, MANAGE)
    review = getattr(assignment, "review", None)
    if review is None:
        raise Http404
    call = assignment.application.call
    try:
        reopen(review, request.user, request.POST.get("reason", ""))
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The review of %(name)s on %(reference)s is open again for changes.")
            % {"name": assignment.reviewer, "reference": assignment.application.reference},
        )
    return redirect(back_to(request, board_url(call, assignment.application_id)))


# The automatic proposal


@login_required
def proposal(request, slug, pk):
    call = staff_call_or_404(request, slug)
    proposal = get_object_or_404(AssignmentProposal.objects.select_related("created_by"), pk=pk)
    if proposal.call_id != call.pk:
        raise Http404
    result, error, status = None, "", 200
    if request.method == "POST":
        try:
            created, skipped = apply_proposal(proposal, request.user)
        except ReviewError as refusal:
            error, status = str(refusal), 409
        else:
            result = {"created": len(created), "skipped": skipped}
        proposal.refresh_from_db(fields=["applied_at"])
    context = proposal_context(call, proposal, result)
    return render(
        request,
        "reviews/staff/proposal.html",
        {**context, "call": call, "proposal": proposal, "error": error},
        status=status,
    )


def proposal_context(call, proposal, result=None):
    """The proposal as staff approve it: per application, per reviewer, and what is uncovered."""
    pairs = [tuple(pair) for pair in proposal.pairs]
    uncovered = {row[0]: row for row in proposal.uncovered}
    application_ids = {pair[0] for pair in pairs} | set(uncovered)
    applications = Application.objects.only("pk", "call_id", "title").in_bulk(application_ids)
    people = {
        person.pk: person for person in all_reviewers().filter(pk__in={pair[1] for pair in pairs})
    }
    loads = call_loads(call)
    pending = {
        (claim.application_id, claim.reviewer_id): claim
        for claims in claims_of(application_ids).values()
        for claim in claims
        if claim.state == ClaimState.PENDING
    }
    by_application = {}
    proposed = {}
    for application_id, reviewer_id, score in pairs:
        by_application.setdefault(application_id, []).append(
            {
                "reviewer": people.get(reviewer_id),
                "reviewer_id": reviewer_id,
                "score": score,
                "claim": pending.get((application_id, reviewer_id)),
            }
        )
        proposed[reviewer_id] = proposed.get(reviewer_id, 0) + 1
    rows = []
    for application_id in sorted(application_ids):
        row = uncovered.get(application_id)
        rows.append(
            {
                "application": applications.get(application_id),
                "application_id": application_id,
                "proposed": by_application.get(application_id, []),
                "missing": row[1] if row else 0,
                "reason": UNCOVERED_REASONS.get(row[2], "") if row and len(row) > 2 else "",
            }
        )
    load_rows = []
    for reviewer_id, count in sorted(
        proposed.items(), key=lambda item: str(people.get(item[0], item[0]))
    ):
        person = people.get(reviewer_id)
        current = loads.get(reviewer_id, 0)
        if proposal.applied_at:  # the loads already include what was applied
            before, after = None, current
        else:
            before, after = current, current + count
        maximum = person.reviewer_profile.max_load if person else None
        load_rows.append(
            {
                "reviewer": person,
                "count": count,
                "before": before,
                "after": after,
                "max": maximum,
                "over": maximum is not None and after > maximum,
            }
        )
    skipped = []
    for application_id, reviewer_id, reason in (result or {}).get("skipped", []):
        skipped.append(
            {
                "application": applications.get(application_id),
                "reviewer": people.get(reviewer_id),
                "reason": reason,
            }
        )
    return {
        "rows": rows,
        "load_rows": load_rows,
        "pair_count": len(pairs),
        "claim_count": sum(1 for pair in pairs if (pair[0], pair[1]) in pending),
        "uncovered_count": len(uncovered),
        "result": result and {"created": result["created"], "skipped": skipped},
    }
