"""Reviewers: dashboard, profile, invitation, answering an assignment, the review form.

A reviewer sees only their own assignments: anything else answers 404, so that nobody learns
which dossiers exist. A pending assignment shows what is needed to judge a conflict of interest
(the call, the title, the team), never the dossier; the dossier and its files open once the
reviewer has accepted and declared no conflict.
"""

from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.models import Attachment
from common.anonymity import anonymous_letter
from common.files import stored_file
from common.formats import paris_datetime
from common.forms import error_summary

from .assignments import accept_assignment, declare_conflict, decline_assignment
from .conflicts import conflicts_between
from .dossiers import submitted_dossier
from .errors import ReviewError
from .forms_reviewer import AcceptForm, ConflictForm, DeclineForm, ReviewerProfileForm, ReviewForm
from .invitations import accept_invitation, invitation_problem
from .models import (
    Assignment,
    AssignmentState,
    Invitation,
    Reply,
    Review,
    ReviewerProfile,
    ReviewScore,
    ReviewState,
)
from .reviewing import review_of, save_review, submit_review
from .rules import assignment_or_404

ANSWER = "reviews.answer_assignment"
OPEN = "reviews.open_dossier"


def reviewer_or_404(request):
    if not request.user.has_perm("reviews.see_dashboard"):
        raise Http404


def assignment_url(assignment):
    return reverse("reviews:assignment", args=[assignment.pk])


# The dashboard


def assignment_groups(user, now=None):
    """The reviewer's assignments, in one query: awaiting an answer, to review, done, past."""
    now = now or timezone.now()
    assignments = (
        Assignment.objects.filter(reviewer=user)
        .select_related("application__call", "review")
        .only(
            "state",
            "due_at",
            "created_at",
            "responded_at",
            "application__title",
            "application__call__title_fr",
            "application__call__title_en",
            "review__state",
            "review__submitted_at",
            "review__reopened_at",
            "review__weighted_score",
        )
        .order_by("due_at", "pk")
    )
    groups = {"pending": [], "to_review": [], "done": [], "past": []}
    for assignment in assignments:
        review = getattr(assignment, "review", None)
        assignment.current_review = review
        submitted = review is not None and review.is_submitted
        if assignment.state == AssignmentState.PENDING:
            key = "pending"
        elif assignment.state == AssignmentState.ACCEPTED:
            key = "done" if submitted else "to_review"
        else:
            key = "past"
        assignment.is_late = key in ("pending", "to_review") and assignment.due_at < now
        groups[key].append(assignment)
    groups["done"].sort(key=lambda a: a.current_review.submitted_at or now, reverse=True)
    groups["past"].sort(key=lambda a: a.responded_at or a.created_at, reverse=True)
    return groups


@login_required
@require_GET
def dashboard(request):
    reviewer_or_404(request)
    groups = assignment_groups(request.user)
    return render(
        request,
        "reviews/reviewer/dashboard.html",
        {**groups, "late": sum(a.is_late for a in groups["pending"] + groups["to_review"])},
    )


# The profile and the invitation


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    reviewer_or_404(request)
    user = request.user
    instance = ReviewerProfile.objects.filter(user=user).first() or ReviewerProfile(user=user)
    data = request.POST if request.method == "POST" else None
    form = ReviewerProfileForm(data, instance=instance, user=user)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Your reviewer profile is saved."))
        return redirect("reviews:profile")
    return render(
        request,
        "reviews/reviewer/profile.html",
        {"form": form, "profile": instance},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = get_object_or_404(
        Invitation.objects.select_related("invited_by", "call"), token=token
    )
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            accept_invitation(invitation, user)
        except ReviewError as error:
            messages.error(request, str(error))
            return redirect("reviews:invitation", token=token)
        messages.success(
            request,
            _(
                "Welcome among the reviewers. Please complete your profile: it helps match you "
                "with the right dossiers."
            ),
        )
        return redirect("reviews:profile")
    # A visitor who is not signed in yet is told only whether the link still works.
    someone = user if user.is_authenticated else SimpleNamespace(pk=None, email=invitation.email)
    problem = invitation_problem(invitation, someone)
    next_query = "?" + urlencode({"next": request.path})
    return render(
        request,
        "reviews/reviewer/invitation.html",
        {
            "invitation": invitation,
            "problem": problem,
            "accepted_by_you": bool(
                invitation.accepted_at
                and user.is_authenticated
                and invitation.accepted_by_id == user.pk
            ),
            "signup_url": reverse("account_signup") + next_query,
            "login_url": reverse("account_login") + next_query,
        },
    )


# An assignment: answering it, then the dossier and the review


def assignment_with(user, pk, *permissions):
    """The assignment and the first of `permissions` that `user` has on it; 404 if none."""
    for permission in permissions[:-1]:
        try:
            return assignment_or_404(user, pk, permission), permission
        except Http404:
            continue
    return assignment_or_404(user, pk, permissions[-1]), permissions[-1]


@login_required
def assignment(request, pk):
    assignment, permission = assignment_with(request.user, pk, ANSWER, OPEN)
    if permission == ANSWER:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return pending_page(request, assignment)
    if request.method == "POST":
        return post_review(request, assignment)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return dossier_page(request, assignment)


def is_late(assignment, review=None):
    if review is not None and review.is_submitted:
        return False
    return assignment.is_active and assignment.due_at < timezone.now()


def pending_page(request, assignment, *, accept_form=None, conflict_form=None, status=200):
    application = assignment.application
    assignment.is_late = is_late(assignment)
    return render(
        request,
        "reviews/reviewer/pending.html",
        {
            "assignment": assignment,
            "application": application,
            "call": application.call,
            "team": application.team.select_related("institution"),
            "known_conflicts": conflicts_between(request.user, application),
            "accept_form": accept_form or AcceptForm(),
            "conflict_form": conflict_form or ConflictForm(),
            "decline_form": DeclineForm(),
        },
        status=status,
    )


def dossier_page(request, assignment, *, form=None, problems=(), conflict_form=None, status=200):
    application = assignment.application
    call = application.call
    review = review_of(assignment)
    criteria = call.weighted_criteria()
    user = request.user
    context = {
        "assignment": assignment,
        "application": application,
        "call": call,
        "dossier": submitted_dossier(application),
        "review": review,
        "criteria": criteria,
        "problems": problems,
        # Under the first problem, the others and each field's refusal, linked to the field.
        "problem_list": [("", "", message) for message in problems[1:]]
        + (error_summary(form) if form is not None else []),
        "conflict_form": conflict_form or ConflictForm(),
    }
    if review.is_submitted:
        context["scores"] = review.scores.select_related("criterion")
    else:
        context["form"] = form or ReviewForm(
            criteria=criteria, half_points=call.half_points, review=review
        )
    assignment.review = review
    assignment.is_late = is_late(assignment, review)
    context["show_other_reviews"] = user.has_perm("reviews.see_other_reviews", assignment)
    if context["show_other_reviews"]:
        context["other_reviews"] = other_reviews(assignment)
    if user.has_perm("reviews.open_reply", application):
        context["reply"] = Reply.objects.filter(application=application).exclude(text="").first()
    return render(request, "reviews/reviewer/dossier.html", context, status=status)


def post_review(request, assignment):
    """Save the draft ("save") or submit it ("submit"); what was typed stays on the page."""
    call = assignment.application.call
    form = ReviewForm(request.POST, criteria=call.weighted_criteria(), half_points=call.half_points)
    if not form.is_valid():
        message = _("The review was not saved: correct the fields marked below.")
        return dossier_page(request, assignment, form=form, problems=[message], status=400)
    submitting = request.POST.get("action") == "submit"
    try:
        if submitting:
            review = submit_review(assignment, request.user, form.service_data())
        else:
            review = save_review(assignment, request.user, form.service_data())
    except ReviewError as error:
        if not error.problems:  # locked, or no longer accepted: nothing to correct here
            messages.error(request, str(error))
            return redirect(assignment_url(assignment))
        problems = [str(error), *form.show_problems(error.problems)]
        return dossier_page(request, assignment, form=form, problems=problems, status=400)
    if submitting:
        messages.success(
            request,
            _("Your review is submitted. It is now locked; the programme team can reopen it."),
        )
    elif review.weighted_score is not None:
        messages.success(
            request,
            _("Draft saved. Its score is %(score)s/20.")
            % {"score": formats.number_format(review.weighted_score, 2, use_l10n=True)},
        )
    else:
        messages.success(request, _("Draft saved. Score every criterion to see the total."))
    return redirect(assignment_url(assignment))


def other_reviews(assignment):
    """The other submitted reviews of the dossier, lettered; never who wrote them."""
    reviews = list(
        Review.objects.filter(
            assignment__application_id=assignment.application_id, state=ReviewState.SUBMITTED
        )
        .exclude(assignment_id=assignment.pk)
        .order_by("assignment_id")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
        )
    )
    for index, review in enumerate(reviews):
        review.label = _("Reviewer %(letter)s") % {"letter": anonymous_letter(index)}
    return reviews


@login_required
@require_POST
def answer(request, pk):
    """Accept (declaring no conflict), declare a conflict, or decline."""
    assignment, _permission = assignment_with(request.user, pk, ANSWER, OPEN)
    action = request.POST.get("action")
    if action == "accept":
        return accept(request, assignment)
    if action == "conflict":
        return conflict(request, assignment)
    if action == "decline":
        return decline(request, assignment)
    messages.error(request, _("Choose one of the answers below."))
    return redirect(assignment_url(assignment))


def render_assignment(request, assignment, status, **forms):
    if assignment.state == AssignmentState.PENDING:
        return pending_page(request, assignment, status=status, **forms)
    return dossier_page(request, assignment, status=status, **forms)


def accept(request, assignment):
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return pending_page(request, assignment, accept_form=form, status=400)
    try:
        assignment = accept_assignment(assignment, request.user)
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect(assignment_url(assignment))
    messages.success(
        request,
        _("Thank you. The dossier is open below; your review is due on %(date)s (Paris time).")
        % {"date": paris_datetime(assignment.due_at)},
    )
    return redirect(assignment_url(assignment))


def conflict(request, assignment):
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            declare_conflict(assignment, request.user, form.cleaned_data["reason"])
        except ReviewError as error:
            if not error.problems:
                messages.error(request, str(error))
                return redirect(assignment_url(assignment))
            for message in error.problems.get("reason", [str(error)]):
                form.add_error("reason", message)
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest is recorded and the programme team is told. "
                    "This dossier is no longer assigned to you."
                ),
            )
            return redirect("reviews:dashboard")
    return render_assignment(request, assignment, 400, conflict_form=form)


def decline(request, assignment):
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        decline_assignment(assignment, request.user, reason)
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect(assignment_url(assignment))
    messages.success(
        request, _("You declined this dossier. The programme team will ask someone else.")
    )
    return redirect("reviews:dashboard")


@login_required
@require_GET
def attachment(request, pk, attachment_id):
    assignment = assignment_or_404(request.user, pk, OPEN)
    attachment = get_object_or_404(
        Attachment, application_id=assignment.application_id, pk=attachment_id
    )
    return stored_file(attachment.file, attachment.original_name, attachment.content_type)
