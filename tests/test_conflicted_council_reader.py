"""A council member in conflict with a dossier sees none of its scores, averages, tie-breaks,
proposal or comments anywhere: the ranking, the decisions page, the call report. Its row stays,
with its rank and a "withheld" mark; programme staff see everything. The call report is built
for the person who asked, and a council member in conflict reads only their own."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Institution
from accounts.roles import Role
from applications.models import Application, ApplicationState, TeamMember
from decisions import services
from reports.models import Report, ReportKind
from reviews.claims import record_claims, rule_on_claim
from reviews.models import (
    Assignment,
    AssignmentState,
    ConsensusReport,
    Review,
    ReviewScore,
    ReviewState,
    TeamClaim,
)

from .factories import (
    ApplicationFactory,
    CallCriterionFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
)
from .reading import flat, plain_pdf_pages, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
captured_commits = TestCase.captureOnCommitCallbacks

WITHHELD = "Withheld: conflict of interest"
CLEAR_TITLE = "Carnets de voyage de Humboldt"
CONFLICT_TITLE = "Herbier alpin de Grenoble"
# Each dossier's reviews: (weighted score /20, quality 0-5, feasibility 0-5). The means are
# 16.6 and 12.3 (/20), 4.75 and 3.75, 1.75 and 2.75 per criterion: numbers nothing else shows.
CLEAR_REVIEWS = [("17.35", "5", "3.5"), ("15.85", "4.5", "4")]
CONFLICT_REVIEWS = [("11.15", "1.5", "2.5"), ("13.45", "2", "3")]
CLEAR_FIGURES = ["17.35", "15.85", "16.6"]
CONFLICT_FIGURES = ["11.15", "13.45", "12.3", "14.05"]  # 14.05: its draft consensus
CLEAR_MOTIVATION = "Proposition : un corpus exemplaire, à financer."
CONFLICT_MOTIVATION = "Proposition : herbier lacunaire, méthode à revoir."
# Each dossier requests €10,000; the council proposes €8,000 and €7,350. What would tell the
# withheld proposal: its amount, the two proposals' total, the envelope left after both, in the
# pages' and the report's formats (and the raw one of the funding line's script).
CLEAR_PROPOSED, CONFLICT_PROPOSED = Decimal("8000"), Decimal("7350")
CONFLICT_AMOUNTS = ["7,350", "7350", "15,350", "15350", "84,650", "84650"]


@pytest.fixture
def grenoble():
    return Institution.objects.create(name="Université Grenoble Alpes", acronym="UGA")


@pytest.fixture
def member(grenoble):
    """A council member of the university one team member of the conflicted dossier is from."""
    return UserFactory(
        email="membre-uga@example.org", roles=[Role.COUNCIL_MEMBER], institution=grenoble
    )


@pytest.fixture
def call():
    call = CallFactory(closed=True, title_en="Heritage call", envelope=Decimal("100000"))
    CallCriterionFactory(call=call, name_en="Quality", weight=Decimal("2"), sort_order=1)
    CallCriterionFactory(call=call, name_en="Feasibility", weight=Decimal("1"), sort_order=2)
    return call


def reviewed(call, title, reviews, **kwargs):
    """An application in review with these submitted reviews (bulk: no notification)."""
    application = ApplicationFactory(call=call, title=title, in_review=True, **kwargs)
    quality, feasibility = call.criteria.order_by("sort_order")
    for weighted, *scores in (map(Decimal, review) for review in reviews):
        assignment = Assignment.objects.create(
            application=application,
            reviewer=ReviewerFactory(),
            state=AssignmentState.ACCEPTED,
            due_at=timezone.now() + dt.timedelta(days=3),
        )
        review = Review.objects.create(
            assignment=assignment,
            state=ReviewState.SUBMITTED,
            submitted_at=timezone.now(),
            weighted_score=weighted,
            recommendation="fund",
            comment_for_applicant="Un avis.",
        )
        for criterion, score in zip((quality, feasibility), scores, strict=True):
            ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    return application


@pytest.fixture
def dossiers(call, grenoble, programme_manager, member):
    """(clear, conflicted): the conflicted one is led from the member's university (its lead's
    profile and a row of its team say so, a claim that staff confirm: reviews.claims) and has a
    draft consensus; both have a proposal to fund, with an amount below the €10,000 requested
    and a motivation."""
    clear = reviewed(call, CLEAR_TITLE, CLEAR_REVIEWS)
    lead = UserFactory(email="porteuse-uga@example.org", institution=grenoble)
    conflicted = reviewed(call, CONFLICT_TITLE, CONFLICT_REVIEWS, lead=lead)
    TeamMember.objects.create(
        application=conflicted,
        name="Collègue grenobloise",
        role="documentation_professional",
        institution=grenoble,
    )
    record_claims([conflicted], programme_manager)
    claim = TeamClaim.objects.get(application=conflicted, reviewer=member)
    rule_on_claim(claim, programme_manager, confirm=True)
    ConsensusReport.objects.create(application=conflicted, weighted_score=Decimal("14.05"))
    for application, amount, motivation in (
        (clear, CLEAR_PROPOSED, CLEAR_MOTIVATION),
        (conflicted, CONFLICT_PROPOSED, CONFLICT_MOTIVATION),
    ):
        services.record_proposal(
            application, programme_manager, outcome="funded", amount=amount, motivation=motivation
        )
    return clear, conflicted


def row_of(page, application):
    """The HTML of `application`'s row of a ranking or decisions table."""
    match = re.search(rf'<tr [^>]*id="application-{application.pk}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {application.reference}"
    return match.group(1)


# The ranking


def ranking(client, user, call):
    client.force_login(user)
    return text_of(client.get(reverse("reviews:ranking", args=[call.slug])))


def test_the_ranking_withholds_the_conflicted_dossiers_scores_from_the_member_only(
    client, member, call, dossiers, programme_manager
):
    clear, conflicted = dossiers

    page = ranking(client, member, call)

    row = row_of(page, conflicted)
    assert CONFLICT_TITLE in row and conflicted.reference in row
    assert WITHHELD in row
    assert "<strong>2</strong>" in row  # its place in the ranking stays
    for figure in CONFLICT_FIGURES:
        assert figure not in page
    for hidden in ("draft", "2/2", "disagrees", "tie-break", "under threshold"):
        assert hidden not in row
    assert reverse("reviews:dossier", args=[conflicted.pk]) not in page
    for figure in CLEAR_FIGURES:
        assert figure in row_of(page, clear)
    assert WITHHELD not in row_of(page, clear)
    assert "The scores of 1 application are withheld from you" in page

    page = ranking(client, programme_manager, call)

    assert WITHHELD not in page
    for figure in CONFLICT_FIGURES:
        assert figure in row_of(page, conflicted)
    for figure in CLEAR_FIGURES:
        assert figure in row_of(page, clear)


def test_a_tie_with_a_withheld_dossier_is_not_marked(
    client, member, call, dossiers, programme_manager
):
    """Equal scores would tell the withheld one: the visible row is not marked tied with it."""
    clear, conflicted = dossiers
    Review.objects.filter(assignment__application=conflicted).update(weighted_score=Decimal("16.6"))
    Review.objects.filter(assignment__application=clear).update(weighted_score=Decimal("16.6"))

    page = ranking(client, member, call)

    assert "tie-break" not in row_of(page, clear)
    assert "tie-break" in row_of(ranking(client, programme_manager, call), clear)


# The decisions page


def decisions_page(client, user, call):
    client.force_login(user)
    return text_of(client.get(reverse("decisions:call", args=[call.slug])))


def test_the_decisions_page_withholds_the_conflicted_dossiers_score_and_proposal(
    client, member, call, dossiers, programme_manager
):
    clear, conflicted = dossiers

    page = decisions_page(client, member, call)

    row = row_of(page, conflicted)
    assert CONFLICT_TITLE in row and WITHHELD in row
    assert "12.3" not in page
    assert "Funded" not in row  # the proposal
    assert reverse("decisions:application", args=[conflicted.pk]) not in page
    assert "16.6" in row_of(page, clear) and "Funded" in row_of(page, clear)
    # The conflicted dossier's own decision page is closed to them, as its dossier page is.
    detail = client.get(reverse("decisions:application", args=[conflicted.pk]))
    assert detail.status_code == 404
    assert client.get(reverse("decisions:application", args=[clear.pk])).status_code == 200

    page = decisions_page(client, programme_manager, call)

    assert WITHHELD not in page
    assert "12.3" in row_of(page, conflicted) and "16.6" in row_of(page, clear)
    detail = client.get(reverse("decisions:application", args=[conflicted.pk]))
    assert detail.status_code == 200


def test_the_decisions_page_keeps_the_conflicted_dossiers_final_decision(
    client, member, call, dossiers, programme_manager
):
    _clear, conflicted = dossiers
    services.record_decision(
        conflicted,
        programme_manager,
        outcome="rejected",
        meeting_date=dt.date(2026, 11, 20),
        motivation=CONFLICT_MOTIVATION,
    )

    row = row_of(decisions_page(client, member, call), conflicted)

    assert "Rejected" in row and WITHHELD in row
    assert CONFLICT_MOTIVATION not in row


def cumulatives(page):
    """The funding line's cumulative amounts, as its script reads them."""
    return [Decimal(amount) for amount in re.search(r'data-cumulatives="([^"]*)"', page)[1].split()]


def test_the_decisions_page_counts_a_withheld_dossier_at_its_amount_requested(
    client, member, call, dossiers, programme_manager
):
    """Its proposed amount is in no column, total or remainder: the member's funding line counts
    it at the €10,000 requested, and says so."""
    clear, conflicted = dossiers

    page = decisions_page(client, member, call)

    for amount in CONFLICT_AMOUNTS:
        assert amount not in page
    row = row_of(page, conflicted)
    assert "€10,000" in row and "€18,000" in row  # requested, counted; cumulative
    assert cumulatives(page) == [CLEAR_PROPOSED, CLEAR_PROPOSED + Decimal("10000")]
    assert "€82,000 remain" in page
    assert "withheld from you counts for its amount requested" in page
    assert "€8,000" in row_of(page, clear)  # the proposals they may read still count

    page = decisions_page(client, programme_manager, call)

    assert "€7,350" in row_of(page, conflicted) and "€15,350" in row_of(page, conflicted)
    assert cumulatives(page) == [CLEAR_PROPOSED, CLEAR_PROPOSED + CONFLICT_PROPOSED]
    assert "withheld from you" not in page


def test_the_reserve_promotion_does_not_name_a_withheld_proposal(
    client, member, call, dossiers, programme_manager
):
    """Money is free and the withheld dossier is first on the reserve list: the promotion, which
    offers it for its proposed amount, is not shown to the member."""
    _clear, conflicted = dossiers
    services.record_decision(
        conflicted,
        programme_manager,
        outcome="reserve",
        meeting_date=dt.date(2026, 11, 20),
        motivation="En attente de crédits.",
    )

    page = decisions_page(client, member, call)

    assert "Money is free" not in page
    for amount in CONFLICT_AMOUNTS:
        assert amount not in page
    assert "Reserve list" in row_of(page, conflicted)  # the final decision stays
    assert "€7,350" in decisions_page(client, programme_manager, call)


# The call report


def call_report(client, user, call, kind=ReportKind.CALL):
    """Ask for the call report (or the dossier book) in English as `user` (built once the
    request commits, by eager Celery), then download it."""
    client.force_login(user)
    with captured_commits(execute=True):
        client.post(
            reverse("reports:call_reports", args=[call.slug]), {"kind": kind, "language": "en"}
        )
    report = Report.objects.filter(requested_by=user, kind=kind).latest("pk")
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    return report, flat("\n".join(plain_pdf_pages(b"".join(response.streaming_content))))


def test_the_call_report_is_built_for_the_member_without_the_conflicted_scores(
    client, member, call, dossiers
):
    report, text = call_report(client, member, call)

    assert CLEAR_TITLE in text and CONFLICT_TITLE in text
    assert WITHHELD in text
    assert "Made for" in text
    assert CLEAR_MOTIVATION in text
    for figure in ("4.75", "3.75", "16.6"):
        assert figure in text
    assert CONFLICT_MOTIVATION not in text
    for figure in ("1.75", "2.75", "12.3", "14.05"):
        assert figure not in text


def test_the_call_reports_proposal_figures_count_only_what_the_member_may_read(
    client, member, call, dossiers, programme_manager
):
    """Neither the proposals' total nor their count, nor the reviews counted, let the member
    work out the withheld dossier's proposal or reviews from the rows they see."""
    _report, text = call_report(client, member, call)

    for amount in CONFLICT_AMOUNTS:
        assert amount not in text
    assert "Proposed for funding by the scientific council €8,000.00" in text
    assert "Funded Reserve list Rejected 1 0 0" in text  # the proposals, counted
    assert "Reviews submitted 2" in text
    assert "1 application with a proposal or a decision" in text
    assert "include only the applications whose scores and proposal you may read" in text

    _report, text = call_report(client, programme_manager, call)

    assert "Proposed for funding by the scientific council €15,350.00" in text
    assert "Funded Reserve list Rejected 2 0 0" in text
    assert "Reviews submitted 4" in text
    assert "you may read" not in text


@pytest.mark.parametrize("kind", [ReportKind.CALL, ReportKind.DOSSIERS])
def test_a_report_is_closed_to_its_reader_once_they_may_not_read_a_dossier_it_shows(
    client, call, dossiers, kind
):
    """Built for a member free of conflicts, it holds every score; once they are asked to review
    a dossier (or come into conflict with one), their copy is closed to them: what they may not
    read now was not withheld from it. A new one, built for them as they are now, is theirs."""
    _clear, conflicted = dossiers
    colleague = ReviewerFactory(
        email="conseil-lyon@example.org", roles=[Role.REVIEWER, Role.COUNCIL_MEMBER]
    )
    report, text = call_report(client, colleague, call, kind)
    assert CONFLICT_MOTIVATION in text or "14.05" in text
    download = reverse("reports:download", args=[report.pk])

    Assignment.objects.create(
        application=conflicted,
        reviewer=colleague,
        state=AssignmentState.ACCEPTED,
        due_at=timezone.now() + dt.timedelta(days=3),
    )

    assert client.get(download).status_code == 404
    listed = client.get(reverse("reports:call_reports", args=[call.slug])).context["reports"]
    assert report not in listed
    again, text = call_report(client, colleague, call, kind)
    assert CONFLICT_MOTIVATION not in text and "14.05" not in text
    assert again in client.get(reverse("reports:call_reports", args=[call.slug])).context["reports"]


def test_staffs_call_report_has_every_score_and_is_closed_to_the_member(
    client, member, call, dossiers, programme_manager, council_member
):
    report, text = call_report(client, programme_manager, call)

    assert WITHHELD not in text
    assert CLEAR_MOTIVATION in text and CONFLICT_MOTIVATION in text
    for figure in ("4.75", "1.75", "2.75", "16.6", "12.3", "14.05"):
        assert figure in text
    download = reverse("reports:download", args=[report.pk])
    client.force_login(member)
    assert client.get(download).status_code == 404
    listed = client.get(reverse("reports:call_reports", args=[call.slug])).context["reports"]
    assert report not in listed
    client.force_login(council_member)  # no conflict in this call
    assert client.get(download).status_code == 200


def test_a_members_report_is_not_for_another_member_in_conflict(
    client, member, call, dossiers, grenoble
):
    colleague = UserFactory(roles=[Role.COUNCIL_MEMBER], institution=grenoble)
    report, _text = call_report(client, colleague, call)

    client.force_login(member)

    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


# One rule


def test_the_dossier_books_context_holds_no_score_of_a_dossier_left_out(
    member, call, dossiers, programme_manager
):
    """The book is built from the ranking as its reader may see it: the template has nothing
    to hide."""
    from reports.governance.dossier_book import dossier_book_context

    clear, conflicted = dossiers

    entries = {e.application: e for e in dossier_book_context(call, member)["entries"]}

    assert entries[conflicted].withheld and entries[conflicted].rank == 2
    assert entries[conflicted].score is None and entries[conflicted].mean is None
    assert entries[conflicted].proposal is None and entries[conflicted].reviews == []
    assert entries[clear].score == Decimal("16.60")
    entries = {e.application: e for e in dossier_book_context(call, programme_manager)["entries"]}
    assert entries[conflicted].mean == Decimal("12.30")


def test_one_queryset_says_which_reviews_a_person_owes(call, dossiers, council_member):
    """Asked (pending or accepted) and not submitted: owed. The dossier's reviews are closed to
    them (reviews.rules) and its scores withheld (reviews.ranking) by the same queryset."""
    from reviews.queries import reviews_owed_by
    from reviews.ranking import withheld_from

    clear, conflicted = dossiers
    owed = {}
    for state, submitted in [
        (AssignmentState.PENDING, False),
        (AssignmentState.ACCEPTED, False),
        (AssignmentState.ACCEPTED, True),
        (AssignmentState.DECLINED, False),
        (AssignmentState.CANCELLED, False),
    ]:
        application = reviewed(call, f"Dossier {state} {submitted}", [])
        assignment = Assignment.objects.create(
            application=application, reviewer=council_member, state=state, due_at=timezone.now()
        )
        if submitted:
            Review.objects.create(
                assignment=assignment, state=ReviewState.SUBMITTED, submitted_at=timezone.now()
            )
        else:
            Review.objects.create(assignment=assignment, state=ReviewState.DRAFT)
        owed[application] = state in (AssignmentState.PENDING, AssignmentState.ACCEPTED) and (
            not submitted
        )

    found = set(reviews_owed_by(council_member).values_list("application", flat=True))

    assert found == {application.pk for application, is_owed in owed.items() if is_owed}
    withheld = withheld_from(council_member, list(owed))
    for application, is_owed in owed.items():
        assert (application.pk in withheld) is is_owed
        assert council_member.has_perm("reviews.read_reviews", application) is not is_owed


# Queries


def many_clear_dossiers(call, count):
    """`count` more applications in review with two reviews each, in bulk."""
    lead = UserFactory()
    reviewers = [ReviewerFactory() for _ in range(2)]
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            lead=lead,
            title=f"Projet {n}",
            state=ApplicationState.IN_REVIEW,
            submitted_at=call.closes_at - dt.timedelta(hours=1),
        )
        for n in range(count)
    )
    TeamMember.objects.bulk_create(
        TeamMember(application=a, name="Chercheuse", role="researcher", is_lead=True)
        for a in applications
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(
            application=a,
            reviewer=reviewer,
            state=AssignmentState.ACCEPTED,
            due_at=timezone.now(),
        )
        for a in applications
        for reviewer in reviewers
    )
    Review.objects.bulk_create(
        Review(
            assignment=assignment,
            state=ReviewState.SUBMITTED,
            submitted_at=timezone.now(),
            weighted_score=Decimal(10 + n % 7),
            recommendation="fund",
        )
        for n, assignment in enumerate(assignments)
    )


def test_withholding_costs_the_same_queries_at_any_size(client, member, call, dossiers):
    from reports.governance import build_document

    client.force_login(member)
    pages = [
        reverse("reviews:ranking", args=[call.slug]),
        reverse("decisions:call", args=[call.slug]),
    ]
    for url in pages:
        client.get(url)  # caches (permissions, site settings) warm
    member.get_all_permissions()  # the report's reader: their permissions cached, as above
    counts = []
    for size in (3, 30):
        many_clear_dossiers(call, size - Application.objects.filter(call=call).count())
        sizes = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                page = text_of(client.get(url))
            assert WITHHELD in page
            sizes.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            document = build_document("call", call=call, language="en", reader=member)
        assert WITHHELD in flat("\n".join(plain_pdf_pages(document.pdf)))
        sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
