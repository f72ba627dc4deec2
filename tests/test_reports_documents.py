"""Governance reports read back from the PDF (pypdf): the figures, the pages, the accents, the
table of contents; and the number of queries, the same for 4 or 40 applications."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.roles import Role
from applications.models import (
    Application,
    ApplicationState,
    BudgetLine,
    Submission,
    TeamMember,
)
from calls.models import Call, CallKind
from decisions.models import Decision, Envelope
from reports.governance import build_document
from reviews.claims import record_claims, rule_on_claim
from reviews.models import (
    Assignment,
    AssignmentState,
    ConflictDeclaration,
    ConsensusReport,
    Review,
    ReviewScore,
    ReviewState,
    TeamClaim,
)

from .factories import (
    CallCriterionFactory,
    CallFactory,
    InstitutionFactory,
    ProgrammeFactory,
    ReviewerFactory,
    UserFactory,
)
from .reading import plain_pdf_pages

pytestmark = pytest.mark.django_db

# Queries to build each report, whatever the number of applications.
# The call report: 31 since the team's claims (reviews.conflicts reads the leads' accounts, the
# members who joined and the claims recorded); one more, and 4 more for the programme report,
# since the funded projects' money (committed and paid, by programme and by call); 5 more for
# the programme report since its funded projects' indicators (reports late, deliverables).
QUERIES = {"call": 32, "dossiers": 20, "programme": 29}

REQUESTED = Decimal("12500.00")
GRANTED = Decimal("10000.00")


def snapshot(application, institution):
    return {
        "reference": application.reference,
        "received_at": application.submitted_at.isoformat(),
        "title": application.title,
        "lead": {"name": "Hélène Porteuse", "email": application.lead.email},
        "questions": [
            {"type": "section", "id": "s1",
             "value": {"title": "Le projet", "title_en": "The project"}},
            {"type": "long_text", "id": "q1",
             "value": {"label": "Résumé", "label_en": "Summary"}},
        ],
        "answers": {"q1": f"Numérisation des carnets de terrain n° {application.pk}."},
        "team": [
            {"name": "Hélène Porteuse", "role": "researcher", "institution": institution.name,
             "is_lead": True, "email": "", "orcid": ""},
        ],
        "budget": {
            "lines": [{"category": "staff", "description": "Vacations", "amount_requested":
                       str(REQUESTED), "cofunding": "0.00"}],
            "total_requested": str(REQUESTED),
            "total_cofunding": "0.00",
        },
        "attachments": [],
        "excluded_reviewers": [{"name": "Personne Exclue", "email": "exclue@example.org"}],
    }  # fmt: skip


def reviewed_call(count, programme=None):
    """A closed call of `count` applications under review, built in bulk: each received, with a
    snapshot, a lead institution, 12,500.00 EUR requested and 3 submitted reviews; one in three
    funded 10,000.00 EUR, one in three on the reserve list, the others rejected; one reviewer
    declared a conflict on the first application."""
    programme = programme or ProgrammeFactory(
        title_fr="Archives scientifiques", title_en="Scientific archives"
    )
    call = CallFactory(
        closed=True,
        programme=programme,
        title_fr="Appel à projets – Numérisation enrichie",
        title_en="Call – Enriched digitisation",
        envelope=Decimal("100000.00"),
    )
    quality = CallCriterionFactory(call=call, name_fr="Qualité scientifique", name_en="Quality",
                                   weight=Decimal("2"), sort_order=1)  # fmt: skip
    feasibility = CallCriterionFactory(call=call, name_fr="Faisabilité", name_en="Feasibility",
                                       sort_order=2)  # fmt: skip
    institution = InstitutionFactory(name="Université d'Évry", acronym="UEVE")
    # The lead's profile gives the institution of her team row (claims: reviews.claims).
    lead = UserFactory(first_name="Hélène", last_name="Porteuse", institution=institution)
    experts = [ReviewerFactory(first_name="Éloïse", last_name=f"Experte{n}") for n in range(3)]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            lead=lead,
            title=f"Carnets d'Évariste {i}",
            state=ApplicationState.DECIDED,
            submitted_at=call.closes_at - dt.timedelta(hours=i + 1),
        )
        for i in range(count)
    )
    TeamMember.objects.bulk_create(
        TeamMember(application=a, name="Hélène Porteuse", role="researcher", is_lead=True,
                   institution=institution)
        for a in applications
    )  # fmt: skip
    BudgetLine.objects.bulk_create(
        BudgetLine(application=a, category="staff", description="Vacations",
                   amount_requested=REQUESTED)
        for a in applications
    )  # fmt: skip
    Submission.objects.bulk_create(
        Submission(application=a, number=1, received_at=a.submitted_at,
                   content=snapshot(a, institution), fingerprint="0" * 64)
        for a in applications
    )  # fmt: skip
    assignments = Assignment.objects.bulk_create(
        Assignment(application=a, reviewer=expert, state=AssignmentState.ACCEPTED,
                   due_at=now + dt.timedelta(days=3), responded_at=now)
        for a in applications
        for expert in experts
    )  # fmt: skip
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(assignment=assignment, has_conflict=False) for assignment in assignments
    )
    reviews = Review.objects.bulk_create(
        Review(assignment=assignment, state=ReviewState.SUBMITTED, submitted_at=now,
               recommendation="fund", weighted_score=Decimal(12 + n % 3),
               comment_for_applicant="Projet clair.",
               confidential_comment="Équipe solide, évaluation favorable.")
        for n, assignment in enumerate(assignments)
    )  # fmt: skip
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion=criterion, score=Decimal(3 + n % 2),
                    comment="Méthode éprouvée.")
        for n, review in enumerate(reviews)
        for criterion in (quality, feasibility)
    )  # fmt: skip
    ConsensusReport.objects.bulk_create(
        ConsensusReport(application=a, weighted_score=Decimal("13"), finalised_at=now,
                        majority_view="Décision unanime du rapporteur.")
        for a in applications[::2]
    )  # fmt: skip
    outcomes = ["funded", "reserve", "rejected"]
    Decision.objects.bulk_create(
        Decision(
            application=a,
            proposed_outcome=outcomes[i % 3],
            outcome=outcomes[i % 3],
            amount_granted=GRANTED if i % 3 == 0 else None,
            reserve_rank=i // 3 + 1 if i % 3 == 1 else None,
            motivation="Décision motivée par l'évaluation.",
            meeting_date=now.date(),
            decided_at=now,
        )
        for i, a in enumerate(applications)
    )
    conflicted = ReviewerFactory(first_name="Zoé", last_name="Conflit")
    recused = Assignment.objects.create(
        application=applications[0],
        reviewer=conflicted,
        state=AssignmentState.RECUSED,
        due_at=now,
        note="Co-autrice de la porteuse.",
    )
    ConflictDeclaration.objects.create(
        assignment=recused, has_conflict=True, reason="Co-autrice de la porteuse."
    )
    return call


def test_the_call_report_shows_the_figures_in_french():
    call = reviewed_call(7)
    year = timezone.localtime(call.closes_at).year
    Envelope.objects.create(programme=call.programme, year=year, amount=Decimal("250000"))

    document = build_document("call", call=call, language="fr")

    pages = plain_pdf_pages(document.pdf)
    text = "\n".join(pages)
    assert len(pages) == document.pages == 8  # cover, contents, six chapters of one page
    assert "CollEx-Persée" in pages[0]
    assert "Appel à projets – Numérisation enrichie" in pages[0]
    # 3 funded of 7 (0, 3, 6) at 10 000,00 €; 7 requested 12 500,00 €; envelope 100 000,00 €.
    assert "30 000,00 €" in text
    assert "87 500,00 €" in text
    assert "70 000,00 €" in text  # remaining
    assert "250 000,00 €" in text  # the programme's envelope for the year
    assert "Université d'Évry (UEVE)" in text
    assert "Qualité scientifique" in text and "Faisabilité" in text
    assert "Décision motivée par l'évaluation." in text
    assert "Éloïse" not in text  # reviewers' names are in the dossier book, not here
    assert "Zoé Conflit" in text and "Co-autrice de la porteuse." in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {document.pages}" in page


def test_the_call_report_lists_the_council_members_who_must_leave_the_room(programme_manager):
    call = reviewed_call(2)
    irene = UserFactory(
        first_name="Irène", last_name="Conseil", roles=[Role.COUNCIL_MEMBER],
        institution=InstitutionFactory(name="Université d'Évry"),
    )  # fmt: skip
    UserFactory(first_name="Odile", last_name="Neutre", roles=[Role.COUNCIL_MEMBER])
    # The lead's profile and team rows name Irène's university: staff confirm the claims.
    record_claims(call.applications.all(), programme_manager)
    for claim in TeamClaim.objects.filter(reviewer=irene):
        rule_on_claim(claim, programme_manager, confirm=True)

    text = "\n".join(plain_pdf_pages(build_document("call", call=call, language="en").pdf))

    assert "Irène Conseil" in text
    assert "Odile Neutre" not in text


def test_the_table_of_contents_gives_the_page_of_each_chapter():
    call = reviewed_call(4)
    document = build_document("call", call=call, language="en")
    pages = plain_pdf_pages(document.pdf)
    assert "Contents" in pages[1]
    chapters = re.findall(r"^([A-Z][^.\n]+?) ?\.{3,} ?(\d+)$", pages[1], re.MULTILINE)
    assert [title for title, _page in chapters] == [
        "Summary figures",
        "Budget against the envelope",
        "Ranking and scores per criterion",
        "Proposals and decisions",
        "Applicant institutions",
        "Conflicts of interest and recusals",
    ]
    for title, page in chapters:
        assert (
            pages[int(page) - 1].startswith(("CollEx-Persée", title))
            and title in pages[int(page) - 1]
        )
    assert "€20,000.00" in "\n".join(pages)  # English money: 2 funded of 4


def test_the_dossier_book_holds_every_dossier_with_its_reviews():
    call = reviewed_call(5)
    document = build_document("dossiers", call=call, language="fr")
    text = "\n".join(plain_pdf_pages(document.pdf))
    for application in call.applications.all():
        assert f"Carnets d'Évariste {application.title[-1]}" in text
        assert f"carnets de terrain n° {application.pk}." in text
    assert "Éloïse Experte0" in text
    assert "Équipe solide, évaluation favorable." in text  # confidential comment: for the council
    assert "Méthode éprouvée." in text
    assert "Décision unanime du rapporteur." in text
    assert "Personne Exclue" not in text  # people the applicant excluded are never shown
    assert document.pages >= 5 + 2  # cover, contents, a page at least per dossier


def test_a_council_members_book_leaves_out_the_dossiers_they_are_in_conflict_with():
    call = reviewed_call(3)
    conflicted = Assignment.objects.get(state=AssignmentState.RECUSED).reviewer
    conflicted.groups.add(Group.objects.get(name=Role.COUNCIL_MEMBER.value))
    first, *others = call.applications.order_by("pk")

    text = "\n".join(plain_pdf_pages(build_document("dossiers", call=call, reader=conflicted).pdf))

    assert f"carnets de terrain n° {first.pk}." not in text
    for application in others:
        assert f"carnets de terrain n° {application.pk}." in text
    assert first.reference in text  # listed, with why it is left out


def test_the_programme_report_gives_the_amounts_by_call_kind_and_institution():
    call = reviewed_call(6)
    year = timezone.localtime(call.closes_at).year
    other = reviewed_call(3, programme=call.programme)
    Call.objects.filter(pk=other.pk).update(kind=CallKind.INCUBATOR)
    Envelope.objects.create(programme=call.programme, year=year, amount=Decimal("300000"))

    document = build_document("programme", programme=call.programme, year=year, language="fr")

    pages = plain_pdf_pages(document.pdf)
    text = "\n".join(pages)
    assert "Archives scientifiques – " + str(year) in pages[0]
    assert "112 500,00 €" in text  # 9 applications x 12 500,00 € requested
    assert "30 000,00 €" in text  # 3 funded: 2 of the first call, 1 of the other
    assert "20 000,00 €" in text and "10 000,00 €" in text  # by kind of call
    assert "33,3 %" in text  # success rate: 3 of 9
    assert "300 000,00 €" in text  # the programme's envelope
    assert "Université d'Évry (UEVE)" in text
    assert len(pages) == document.pages
    assert f"page {document.pages} / {document.pages}" in pages[-1]


def test_the_charts_are_vectors_with_a_text_alternative():
    from reports.governance.programme_report import programme_report_context

    call = reviewed_call(3)
    context = programme_report_context(call.programme, timezone.localtime(call.closes_at).year)
    html = render_to_string(
        "reports/pdf/bar_chart.html", {"chart": context["charts"]["institutions"]}
    )
    assert html.count("<svg") == 1 and "<img" not in html
    assert '<title id="chart-institutions-title">' in html
    assert "Université d&#x27;Évry (UEVE): granted" in html or "Université" in html


@pytest.mark.parametrize("count", [3, 24])
def test_the_call_report_costs_the_same_queries_at_any_size(count, django_assert_max_num_queries):
    call = reviewed_call(count)
    with django_assert_max_num_queries(QUERIES["call"]):
        build_document("call", call=call)


@pytest.mark.parametrize("count", [3, 12])
def test_the_dossier_book_costs_the_same_queries_at_any_size(count, django_assert_max_num_queries):
    call = reviewed_call(count)
    with django_assert_max_num_queries(QUERIES["dossiers"]):
        build_document("dossiers", call=call)


@pytest.mark.parametrize("count", [3, 24])
def test_the_programme_report_costs_the_same_queries_at_any_size(
    count, django_assert_max_num_queries
):
    call = reviewed_call(count)
    with django_assert_max_num_queries(QUERIES["programme"]):
        build_document("programme", programme=call.programme, year=call.closes_at.year)
