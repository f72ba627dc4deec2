"""Deliberation: ranking, a dossier's reviews and consensus report, the applicant's reply.

The council and programme staff read the ranking and every review with its reviewer's name; a
rapporteur (staff choose them) writes the consensus report; the lead applicant reads the comments
meant for them, never who wrote them, and replies during the call's reply phase. Anyone else gets
a 404, so that nobody learns what exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.queries import lead_institutions
from applications.rules import application_or_404, judged_at
from calls.models import Call
from common.anonymity import anonymous_letter

from .confidentiality import comments_for_applicant
from .deliberation import (
    consensus_of,
    rapporteur_choices,
    reopen_consensus,
    save_consensus,
    save_reply,
    set_rapporteur,
)
from .errors import ReviewError
from .models import Assignment, Recommendation, Reply, ReviewScore
from .ranking import call_ranking, tie_break_rule
from .scoring import format_score, threshold_failures

READ = "reviews.read_reviews"
PREPARE = "reviews.prepare_consensus"
WRITE = "reviews.write_consensus"
STAFF = "reviews.manage_assignments"  # programme staff: choose the rapporteur, reopen a report
NAMES = "reviews.open_ranking"  # staff and the council may know who reviewed


# The ranking


# A page of the ranking: long enough for a council session, short enough to render fast.
RANKING_PER_PAGE = 100


@login_required
def ranking(request, slug):
    call = get_object_or_404(Call.objects.select_related("programme"), slug=slug)
    if not request.user.has_perm("reviews.open_ranking", call):
        raise Http404
    # Every row: ranks depend on all of them; those the reader may not deliberate on withheld.
    rows = call_ranking(call, request.user)
    page = Paginator(rows, RANKING_PER_PAGE).get_page(request.GET.get("page"))
    institutions = lead_institutions(call.applications.all())
    for row in page.object_list:
        row.institution = institutions.get(row.application.pk, "")
    return render(
        request,
        "reviews/deliberation/ranking.html",
        {
            "call": call,
            "rows": rows,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "tie_break_rule": tie_break_rule(call),
            "ranked": sum(1 for row in rows if row.rank),
            "withheld_count": sum(1 for row in rows if row.withheld),
        },
    )


# A dossier's reviews and consensus report


def application_with_report(pk):
    return get_object_or_404(
        Application.objects.select_related("call", "lead", "consensus__rapporteur"), pk=pk
    )


def submitted_letters(assignments):
    """The anonymous letter of each submitted review, in the ranking's order (A, B...)."""
    submitted = sorted(
        (a for a in assignments if a.found_review and a.found_review.is_submitted),
        key=lambda a: (a.found_review.submitted_at, a.found_review.pk),
    )
    return {a.pk: anonymous_letter(i) for i, a in enumerate(submitted)}


def reviews_of(application):
    """The application's assignments, each with its review and scores, submitted ones first."""
    assignments = list(
        Assignment.objects.filter(application=application)
        .select_related("reviewer__institution", "review")
        .order_by("created_at", "pk")
    )
    for assignment in assignments:
        assignment.found_review = getattr(assignment, "review", None)
        assignment.score_rows = []
    by_review = {a.found_review.pk: a for a in assignments if a.found_review}
    for score in (
        ReviewScore.objects.filter(review_id__in=list(by_review))
        .select_related("criterion")
        .order_by("criterion__sort_order", "criterion_id")
    ):
        by_review[score.review_id].score_rows.append(score)
    letters = submitted_letters(assignments)
    for assignment in assignments:
        assignment.letter = letters.get(assignment.pk, "")
    submitted = sorted((a for a in assignments if a.letter), key=lambda a: a.letter)  # A, B, C...
    others = [a for a in assignments if not a.letter]
    return submitted, others


def report_context(application, report, criteria):
    """The consensus report's agreed scores and the thresholds it misses."""
    if report is None:
        return {"report": None, "agreed": [], "failures": []}
    agreed = list(report.scores.select_related("criterion").order_by("criterion__sort_order"))
    failures = threshold_failures(
        application.call,
        criteria,
        {row.criterion_id: row.score for row in agreed},
        report.weighted_score,
    )
    return {"report": report, "agreed": agreed, "failures": failures}


@login_required
def dossier(request, pk):
    application = application_with_report(pk)
    user = request.user
    if not user.has_perm(READ, application):
        raise Http404
    is_staff = user.has_perm(STAFF)
    report = getattr(application, "consensus", None)
    if request.method == "POST":
        if not is_staff:
            raise Http404
        staff_action(request, application, report)
        return redirect("reviews:dossier", pk=application.pk)
    call = application.call
    criteria = list(call.criteria.all())
    submitted, others = reviews_of(application)
    reply = Reply.objects.filter(application=application).exclude(text="").first()
    can_choose = user.has_perm("reviews.choose_rapporteur", application)
    return render(
        request,
        "reviews/deliberation/dossier.html",
        {
            "application": application,
            "call": call,
            "institutions": sorted(
                {m.institution_label for m in application.team.select_related("institution")} - {""}
            ),
            "criteria": criteria,
            "submitted": submitted,
            "others": others,
            "reply": reply if user.has_perm("reviews.open_reply", application) else None,
            "show_names": user.has_perm(NAMES),
            "can_write": user.has_perm(WRITE, application),
            "can_choose_rapporteur": can_choose,
            "can_reopen": user.has_perm("reviews.reopen_consensus", application),
            "is_staff": is_staff,
            "choices": rapporteur_choices(application) if can_choose else [],
            **report_context(application, report, criteria),
        },
    )


def staff_action(request, application, report):
    """Choose the rapporteur, or reopen a final consensus report; says how it went."""
    action = request.POST.get("action")
    try:
        if action == "set_rapporteur":
            choices = {str(person.pk): person for person in rapporteur_choices(application)}
            person = choices.get(request.POST.get("rapporteur", ""))
            if person is None:
                raise ReviewError(_("Choose the rapporteur in the list."))
            set_rapporteur(application, person, request.user)
            messages.success(
                request,
                _("%(name)s writes the consensus report of %(reference)s.")
                % {"name": person, "reference": application.reference},
            )
        elif action == "reopen_consensus":
            if report is None:
                raise Http404
            reopen_consensus(report, request.user)
            messages.success(request, _("The consensus report can be changed again."))
        else:
            raise Http404
    except ReviewError as error:
        messages.error(request, str(error))


# The consensus report


def typed_consensus(post, criteria):
    """What the rapporteur typed, as reviews.deliberation.save_consensus reads it."""
    return {
        "scores": {
            criterion.pk: (
                post.get(f"score_{criterion.pk}", ""),
                post.get(f"comment_{criterion.pk}", ""),
            )
            for criterion in criteria
        },
        "majority_view": post.get("majority_view", ""),
        "minority_view": post.get("minority_view", ""),
        "comment_for_applicant": post.get("comment_for_applicant", ""),
        "recommendation": post.get("recommendation", ""),
        "threshold_override": post.get("threshold_override") == "on",
        "override_reason": post.get("override_reason", ""),
    }


def saved_consensus(report, agreed):
    return {
        "scores": {row.criterion_id: (format_score(row.score), row.comment) for row in agreed},
        "majority_view": report.majority_view,
        "minority_view": report.minority_view,
        "comment_for_applicant": report.comment_for_applicant,
        "recommendation": report.recommendation,
        "threshold_override": report.threshold_override,
        "override_reason": report.override_reason,
    }


def criterion_rows(criteria, values, submitted, problems, show_names):
    """Per criterion: what is typed (or saved), the reviewers' scores beside it and their mean."""
    rows = []
    for criterion in criteria:
        marks = []
        for assignment in submitted:
            for score in assignment.score_rows:
                if score.criterion_id == criterion.pk and score.score is not None:
                    name = assignment.reviewer if show_names else ""
                    marks.append({"letter": assignment.letter, "name": name, "score": score.score})
        values_given = [mark["score"] for mark in marks]
        score, comment = values["scores"].get(criterion.pk, ("", ""))
        rows.append(
            {
                "criterion": criterion,
                "score": score,
                "comment": comment,
                "marks": marks,
                "mean": sum(values_given) / len(values_given) if values_given else None,
                "problems": problems.get(f"score_{criterion.pk}", []),
            }
        )
    return rows


def problem_list(problems, criteria):
    """The refused fields for the summary above the form: where each is, its name, why."""
    labels = {
        "comment_for_applicant": (_("Comment for the applicant"), "comment_for_applicant"),
        "recommendation": (_("Recommendation"), "recommendation"),
        "override_reason": (_("Threshold override"), "override_reason"),
    }
    for criterion in criteria:
        labels[f"score_{criterion.pk}"] = (criterion.name, f"score_{criterion.pk}")
    items = []
    for field, messages_ in problems.items():
        label, anchor = labels.get(field, (field, ""))
        for message in messages_:
            items.append({"label": label, "anchor": anchor, "message": message})
    return items


@login_required
def consensus(request, pk):
    application = application_with_report(pk)
    user = request.user
    if not user.has_perm(PREPARE, application):
        raise Http404
    call = application.call
    report = consensus_of(application)
    criteria = list(call.criteria.all())
    values, problems, error, status = None, {}, "", 200
    if request.method == "POST":
        if not user.has_perm(WRITE, application):
            messages.error(request, _("The consensus report is final. Staff can reopen it."))
            return redirect("reviews:consensus", pk=application.pk)
        values = typed_consensus(request.POST, criteria)
        finalise = request.POST.get("action") == "finalise"
        try:
            save_consensus(application, user, values, finalise=finalise)
        except ReviewError as refusal:
            error, problems, status = str(refusal), refusal.problems, 400
        else:
            if finalise:
                messages.success(
                    request, _("The consensus report is final: it is now the basis of the ranking.")
                )
                return redirect("reviews:dossier", pk=application.pk)
            messages.success(request, _("Consensus report saved."))
            return redirect("reviews:consensus", pk=application.pk)
    report_parts = report_context(application, report, criteria)
    values = values or saved_consensus(report, report_parts["agreed"])
    submitted, _others = reviews_of(application)
    show_names = user.has_perm(NAMES)
    return render(
        request,
        "reviews/deliberation/consensus.html",
        {
            "application": application,
            "call": call,
            "criteria": criteria,
            "submitted": submitted,
            "show_names": show_names,
            "values": values,
            "rows": criterion_rows(criteria, values, submitted, problems, show_names),
            "problems": problems,
            "problem_list": problem_list(problems, criteria),
            "error": error,
            "recommendations": Recommendation.choices,
            **report_parts,
        },
        status=status,
    )


# The applicant's reply


@login_required
def reply(request, pk):
    application = application_or_404(request.user, pk, "reviews.answer_reviews")
    call = application.call
    now = timezone.now()
    phase_open = request.user.has_perm("reviews.write_reply", judged_at(application, now))
    saved = Reply.objects.filter(application=application).first()
    text, error, problems, status = (saved.text if saved else ""), "", {}, 200
    if request.method == "POST":
        # Browsers send line breaks as two characters; the counter on the page counts one.
        text = request.POST.get("text", "").replace("\r\n", "\n")
        try:
            save_reply(application, request.user, text, now=now)
        except ReviewError as refusal:
            error, problems, status = str(refusal), refusal.problems, 400
        else:
            messages.success(
                request, _("Your reply is saved. You can change it until the phase closes.")
            )
            return redirect("reviews:reply", pk=application.pk)
    return render(
        request,
        "reviews/deliberation/reply.html",
        {
            "application": application,
            "call": call,
            "phase_open": phase_open,
            "not_yet": bool(call.reply_opens_at) and now < call.reply_opens_at,
            "closed": bool(call.reply_closes_at) and now >= call.reply_closes_at,
            "comments": comments_for_applicant(application) if phase_open else [],
            "saved": saved if saved and saved.text else None,
            "text": text,
            "error": error,
            "problems": problems,
            "edit_url": reverse("applications:edit", args=[application.pk]),
            "counter": reply_counter(text.strip(), call.reply_max_chars),
        },
        status=status,
    )


def reply_counter(text, limit):
    """ "N / max characters" under the reply, counted as save_reply counts; char-count.js keeps
    it up to date as the lead types."""
    template = _("%(count)s / %(max)s characters")
    over_template = _("%(count)s / %(max)s characters: too long, shorten your reply")
    over = len(text) > limit
    return {
        "template": template,
        "over_template": over_template,
        "over": over,
        "text": (over_template if over else template) % {"count": len(text), "max": limit},
    }
