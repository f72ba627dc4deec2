"""The applicant's side: the single window, starting a draft, the draft page, submit, withdraw.

Each view finds the application with the permission it needs (404 otherwise, so that nobody learns
that someone else's application exists), calls one function of applications.services, renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from calls.models import Call, CallPhase
from common.formats import PARIS

from . import collections, my_page, services, team
from .forms import REFUSED_FILE, DraftForms, read_only_context, readable_answers, rows
from .models import Application, ApplicationState
from .progress import draft_parts, part_states, problem_links
from .rules import application_or_404, call_is_open
from .services import AlreadyApplied, ApplicationError, StaleDraft, SubmissionRefused
from .throttle import throttled
from .validation import submission_problems


def is_fetch(request):
    return request.headers.get("X-Requested-With") == "fetch"


def clock(moment):
    return timezone.localtime(moment, PARIS).strftime("%H:%M")


def page_url(application):
    return reverse("applications:edit", args=[application.pk])


def summary_url(application):
    return reverse("applications:summary", args=[application.pk])


@login_required
def my_applications(request):
    # Each funded application's project (projects, after decisions), to link to its page.
    applications = (
        Application.objects.led_by(request.user)
        .for_listing()
        .annotate(project_pk=F("decision__project__id"))
    )
    joined = team.joined_applications(request.user).for_listing()
    return render(
        request,
        "applications/my_applications.html",
        {
            "applications": applications,
            "joined": joined,
            "open_phase": CallPhase.OPEN.value,
            "sections": my_page.sections_for(request.user),
        },
    )


@login_required
@require_POST
def start(request, slug):
    call = get_object_or_404(Call.objects.published(), slug=slug)
    try:
        application = services.start_application(request.user, call)
    except AlreadyApplied as error:
        messages.info(request, str(error))
        return redirect(page_url(error.application))
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect(call)
    messages.success(
        request,
        _("Your draft is created. It is saved as you go; submit it before the deadline."),
    )
    return redirect(page_url(application))


def is_editable(request, application):
    return request.user.has_perm("applications.edit_draft", application)


@login_required
def edit(request, pk):
    application = application_or_404(request.user, pk)
    if request.method != "POST":
        if request.GET.get("check") and is_editable(request, application):
            # From the summary's list of what is missing: each problem beside its field.
            problems = submission_problems(application, timezone.now())
            return render_page(request, application, problems=problems)
        return render_page(request, application)
    if not is_editable(request, application):
        return refuse(request, application, services.why_not_editable(application, request.user))
    drafts = DraftForms(application, request.POST)
    saved = save_page(request, application, drafts)
    if not isinstance(saved, int):
        return saved  # the page again, with what was typed and why it was not saved
    application.refresh_from_db(fields=["updated_at"])
    saved_at = clock(application.updated_at)
    unsaved = unsaved_parts(drafts)
    if is_fetch(request):
        progress = part_states(application, drafts, timezone.now())
        return JsonResponse(
            {"version": saved, "saved_at": saved_at, "warning": unsaved, "progress": progress}
        )
    if unsaved:
        return render_page(
            request,
            application,
            DraftForms(application, with_version(request.POST, saved)),
            error=unsaved,
        )
    messages.success(request, _("Draft saved at %(time)s.") % {"time": saved_at})
    return redirect(page_url(application))


def save_page(request, application, drafts):
    """Save what the page holds; returns the new version, or the response that says why not."""
    if not drafts.is_valid():
        if "version" in drafts.form.errors:  # not typed by anyone: no field to mark
            message = _("The form was incomplete. Reload the page and try again.")
        else:
            message = _("The draft was not saved: correct the fields marked below.")
        return answer_error(request, application, drafts, message, status=400)
    data, matching = drafts.form.cleaned_data, drafts.matching.cleaned_data
    try:
        return services.save_draft(
            application,
            data["version"],
            actor=request.user,
            title=data["title"],
            answers={**application.answers, **drafts.form.answers()},
            team=rows(drafts.team) if drafts.team.is_valid() else None,
            budget=rows(drafts.budget) if drafts.budget and drafts.budget.is_valid() else None,
            keywords=matching["keywords"],
            disciplines=matching.get("disciplines"),  # None when there are none to tick
            excluded=rows(drafts.excluded)
            if drafts.excluded and drafts.excluded.is_valid()
            else None,
        )
    except StaleDraft as error:
        return answer_error(request, application, drafts, str(error), status=409)
    except ApplicationError as error:
        return refuse(request, application, str(error))


def unsaved_parts(drafts):
    parts = []
    if not drafts.team.is_valid():
        parts.append(_("The team was not saved: correct the rows marked in red."))
    if drafts.budget and not drafts.budget.is_valid():
        parts.append(_("The budget was not saved: correct the lines marked in red."))
    if drafts.excluded and not drafts.excluded.is_valid():
        parts.append(
            _("The people to exclude as reviewers were not saved: correct what is marked in red.")
        )
    return " ".join(parts)


def with_version(data, version):
    data = data.copy()
    data["version"] = str(version)
    return data


def answer_error(request, application, drafts, message, status):
    if is_fetch(request):
        return JsonResponse({"error": message}, status=status)
    return render_page(request, application, drafts, error=message, status=status)


def refuse(request, application, message):
    if is_fetch(request):
        return JsonResponse({"error": message}, status=409)
    messages.error(request, message)
    return redirect(page_url(application))


@login_required
@require_GET
def summary(request, pk):
    """Before submitting: what will be sent, what is missing, and the button that confirms."""
    application = application_or_404(request.user, pk)
    if not request.user.has_perm("applications.submit_application", application):
        refusal = services.why_not_submittable(application, request.user)
        messages.error(request, refusal.messages[-1])  # the reason, not "cannot be submitted"
        return redirect(page_url(application))
    drafts = DraftForms(application)
    problems = submission_problems(application, timezone.now())
    context = {
        "application": application,
        "call": application.call,
        "missing": problem_links(drafts, problems),
        **read_only_context(application, drafts),  # as staff read it; no invitation to send
    }
    return render(request, "applications/summary.html", context)


@login_required
@require_POST
@throttled("submit")
def submit(request, pk):
    """The draft page's Submit button saves the page and leads to the summary; the summary's
    button (no page, the version it showed) submits."""
    now = timezone.now()  # the server's clock when the request arrived decides
    application = application_or_404(request.user, pk)
    if "version" in request.POST and is_editable(request, application):
        # The Submit button sends the page: save what is on it first.
        drafts = DraftForms(application, request.POST)
        saved = save_page(request, application, drafts)
        if not isinstance(saved, int):
            return saved
        if unsaved := unsaved_parts(drafts):
            message = _("The application was not submitted.") + " " + unsaved
            drafts = DraftForms(application, with_version(request.POST, saved))
            return render_page(request, application, drafts, error=message, status=400)
        return redirect(summary_url(application))
    shown = request.POST.get("confirm")
    if (
        shown is not None
        and shown != str(application.version)
        and is_editable(request, application)
    ):
        messages.warning(
            request,
            _("The draft changed since this summary was shown: read it again, then confirm."),
        )
        return redirect(summary_url(application))
    try:
        submission = services.submit_application(application, request.user, now=now)
    except SubmissionRefused as refused:
        application.refresh_from_db()
        return render_page(request, application, problems=refused.problems, status=400)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect(page_url(application))
    received = timezone.localtime(submission.received_at, PARIS)
    messages.success(
        request,
        _(
            "Your application was received on %(date)s at %(time)s (Paris time). A receipt "
            "with its fingerprint is on its way to %(email)s by e-mail."
        )
        % {
            "date": formats.date_format(received, "DATE_FORMAT"),
            "time": received.strftime("%H:%M:%S"),
            "email": application.lead.email,
        },
    )
    return redirect(page_url(application))


@login_required
@require_POST
def withdraw(request, pk):
    application = application_or_404(request.user, pk)
    try:
        services.withdraw_application(application, request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect(page_url(application))


def render_page(request, application, drafts=None, *, error="", problems=None, status=200):
    """The draft form when it can be changed, its content read-only otherwise."""
    editable = is_editable(request, application)
    drafts = drafts or DraftForms(application)
    summary = drafts.show_problems(problems or {}) or drafts.typed_errors()
    # A file refused by its own form comes back once, beside its field.
    summary += drafts.show_problems(request.session.pop(REFUSED_FILE, {}))
    user = request.user
    state = application.state
    context = {
        "application": application,
        "call": application.call,
        "drafts": drafts,
        "editable": editable,
        "error": error,
        "problems": summary,
        "submission_refused": bool(problems) and request.method == "POST",
        "general_problems": (problems or {}).get("__all__", []),
        "section_problems": {
            key: (problems or {}).get(key, []) for key in ("team", "budget", "attachments")
        },
        "totals": application.budget_totals(),
        "submissions": application.submissions.all(),
        "can_submit": editable and user.has_perm("applications.submit_application", application),
        "can_withdraw": user.has_perm("applications.withdraw_application", application),
        "closed_draft": state == ApplicationState.DRAFT and not call_is_open(user, application),
    }
    if editable:
        progress = submission_problems(application, timezone.now())
        context["progress"] = draft_parts(application, drafts, progress)
    else:
        context["answers"] = readable_answers(drafts.form)
        context["team"] = application.team.select_related("institution")
        context["budget_lines"] = application.budget_lines.all()
        context["excluded_reviewers"] = application.excluded_reviewers.all()
    context.update(team.page_context(application, user, drafts, context.get("team")))
    context.update(collections.page_context(application))
    return render(request, "applications/edit.html", context, status=status)
