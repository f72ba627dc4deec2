"""Reviews are confidential: applicants never learn who reviewed them.

Every text an applicant reads about their application (the comments on the reply page, the
decision letter and its PDF, the messages sent to them) passes through redact_reviewers(): the
names and e-mail addresses of the application's reviewers and rapporteur that a comment or a
staff-written text quotes are blacked out.
"""

import re
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Assignment, ConsensusReport, Review, ReviewState

REDACTED = "[…]"


def reviewers_of(application):
    """(first name, last name, e-mail) of everyone who was asked to review `application`, in any
    state, and of its rapporteur; read once per application object."""
    known = application.__dict__.get("_reviewers")
    if known is None:
        rapporteur = ConsensusReport.objects.filter(application=application).values("rapporteur")
        known = application.__dict__["_reviewers"] = list(
            get_user_model()
            .objects.filter(Q(review_assignments__application=application) | Q(pk__in=rapporteur))
            .values_list("first_name", "last_name", "email")
            .distinct()
        )
    return known


def read_reviewers(applications):
    """reviewers_of for every application of a list, in two queries, kept on each object (a
    person's export reads all their applications at once)."""
    pks = [application.pk for application in applications]
    people = defaultdict(set)
    assigned = Assignment.objects.filter(application__in=pks).values_list(
        "application_id", "reviewer__first_name", "reviewer__last_name", "reviewer__email"
    )
    rapporteurs = ConsensusReport.objects.filter(
        application__in=pks, rapporteur__isnull=False
    ).values_list(
        "application_id", "rapporteur__first_name", "rapporteur__last_name", "rapporteur__email"
    )
    for pk, *person in [*assigned, *rapporteurs]:
        people[pk].add(tuple(person))
    for application in applications:
        application.__dict__["_reviewers"] = list(people[application.pk])


def redact_reviewers(application, *texts):
    """`texts` as an applicant may read them: without the names and addresses of
    `application`'s reviewers. One text gives one text; several give a list."""
    people = reviewers_of(application) if any(texts) else []
    redacted = [redact(text, people) for text in texts]
    return redacted[0] if len(texts) == 1 else redacted


def redact(text, people) -> str:
    """`text` without the e-mail addresses and names of `people` ((first, last, e-mail) rows):
    full names and addresses in any case, last names alone as written (capitalised), so that
    "Blanc" goes and "blanc" stays."""
    if not text:
        return text
    anywhere, as_written = [], []
    for first, last, email in people:
        first, last = (first or "").strip(), (last or "").strip()
        if email:
            anywhere.append(re.escape(email))
        if first and last:
            anywhere += [re.escape(f"{first} {last}"), re.escape(f"{last} {first}")]
        if len(last) >= 2:
            as_written.append(re.escape(last))
    for patterns, flags in ((anywhere, re.IGNORECASE), (as_written, 0)):
        if patterns:
            patterns.sort(key=len, reverse=True)
            text = re.sub(rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)", REDACTED, text, flags=flags)
    return text


def comments_for_applicant(application):
    """What the applicant may read: the final consensus comment, or else each submitted
    review's comment for them; never who wrote it, nor a reviewer's name they quote."""
    report = ConsensusReport.objects.filter(application=application).first()
    if report and report.is_final and report.comment_for_applicant:
        comments = [report.comment_for_applicant]
    else:
        comments = list(
            Review.objects.filter(assignment__application=application, state=ReviewState.SUBMITTED)
            .exclude(comment_for_applicant="")
            .order_by("submitted_at", "pk")
            .values_list("comment_for_applicant", flat=True)
        )
    if not comments:
        return []
    people = reviewers_of(application)
    return [redact(comment, people) for comment in comments]
