"""Deliberation pages: the ranking for the council and staff, a dossier's reviews and consensus
report, the rapporteur's form, and the applicant's reply."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, ApplicationState, TeamMember
from calls.models import TieBreak
from reviews import deliberation, reviewing
from reviews.claims import record_claims, rule_on_claim
from reviews.models import (
    Assignment,
    AssignmentState,
    ConsensusReport,
    ConsensusScore,
    Reply,
    Review,
    ReviewScore,
    ReviewState,
    TeamClaim,
)

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    InstitutionFactory,
    ReviewerFactory,
    UserFactory,
    joined_member,
)
from .reading import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def call():
    """Two criteria on 0-5: "Quality" weighs twice "Feasibility" and has a threshold of 2."""
    call = CallFactory(
        closed=True,
        title_en="Heritage call",
        reviewers_per_application=2,
        disagreement_gap=Decimal("4"),
        tie_break=TieBreak.MAIN_CRITERION,
    )
    CallCriterionFactory(
        call=call, name_en="Quality", weight=Decimal("2"), threshold=Decimal("2"), sort_order=1
    )
    CallCriterionFactory(call=call, name_en="Feasibility", weight=Decimal("1"), sort_order=2)
    return call


def criteria_of(call):
    return list(call.criteria.order_by("sort_order"))


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def submit(assignment, scores, *, confidential="Équipe reconnue.", comment="Un projet solide."):
    """Submit a review of an accepted assignment, one score per criterion, through the services."""
    call = assignment.application.call
    return reviewing.submit_review(
        assignment,
        assignment.reviewer,
        {
            "scores": {
                c.pk: (s, "Argumenté.") for c, s in zip(criteria_of(call), scores, strict=True)
            },
            "comment_for_applicant": comment,
            "confidential_comment": confidential,
            "recommendation": "fund",
        },
    )


def reviewed(call, *score_lists, title="Projet", **kwargs):
    """An application with one submitted review per list of scores, the application in review."""
    application = ApplicationFactory(call=call, title=title, in_review=True, **kwargs)
    for scores in score_lists:
        submit(AssignmentFactory(application=application, accepted=True), scores)
    return application


def ranking_url(call):
    return reverse("reviews:ranking", kwargs={"slug": call.slug})


def row_html(html, application):
    """The HTML of the ranking row of `application`."""
    match = re.search(
        rf'<tr class="ranking-row" id="application-{application.pk}">(.*?)</tr>', html, re.S
    )
    assert match, f"no row for {application.reference}"
    return match.group(1)


def finalise(application, actor, scores, recommendation="reject", **extra):
    data = {
        "scores": {
            c.pk: (s, "Accord.") for c, s in zip(criteria_of(application.call), scores, strict=True)
        },
        "majority_view": "Solide.",
        "comment_for_applicant": "Le comité salue un projet solide.",
        "recommendation": recommendation,
        **extra,
    }
    return deliberation.save_consensus(application, actor, data, finalise=True)


# Who may see the ranking


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("programme_manager", 200),
        ("council_member", 200),
        ("reviewer", 404),
        ("applicant", 404),
        ("other_applicant", 404),
    ],
)
def test_the_ranking_is_for_the_council_and_staff(client, request, call, persona, status):
    reviewed(call, ["4", "4"])
    as_user(client, request.getfixturevalue(persona))
    assert client.get(ranking_url(call)).status_code == status


def test_a_reviewer_of_the_call_cannot_read_its_ranking(client, call):
    application = reviewed(call, ["4", "4"])
    one_of_them = application.assignments.first().reviewer
    assert as_user(client, one_of_them).get(ranking_url(call)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, call):
    application = reviewed(call, ["4", "4"])
    for url in (
        ranking_url(call),
        reverse("reviews:dossier", args=[application.pk]),
        reverse("reviews:consensus", args=[application.pk]),
        reverse("reviews:reply", args=[application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


# The ranking


def test_the_ranking_orders_by_score_and_states_the_tie_break(client, council_member, call):
    # Quality 4 + Feasibility 2 and Quality 3 + Feasibility 4 both make 13.33/20: the tie is
    # broken by the criterion with the largest weight, Quality.
    third = reviewed(call, ["2", "2"], ["2", "2"], title="Troisième")
    tied_second = reviewed(call, ["3", "4"], ["3", "4"], title="Second ex aequo")
    tied_first = reviewed(call, ["4", "2"], ["4", "2"], title="Premier ex aequo")
    best = reviewed(call, ["5", "5"], ["5", "4"], title="Meilleur")

    response = as_user(client, council_member).get(ranking_url(call))
    html = text_of(response)

    assert [row.application for row in response.context["rows"]] == [
        best,
        tied_first,
        tied_second,
        third,
    ]
    assert (
        "Equal scores are ordered by: Higher score on the criterion with the largest weight."
        in html
    )
    assert "tie-break" in row_html(html, tied_first)
    assert "tie-break" in row_html(html, tied_second)
    assert "tie-break" not in row_html(html, best)
    assert "13.33" in row_html(html, tied_first)
    assert reverse("reviews:dossier", args=[best.pk]) in row_html(html, best)
    assert html.index("Meilleur") < html.index("Premier ex aequo") < html.index("Second ex aequo")


def test_a_disagreeing_review_is_flagged_in_words(client, council_member, call):
    split = reviewed(call, ["5", "5"], ["1", "1"], title="Avis partagés")
    agreed = reviewed(call, ["4", "4"], ["4", "3"], title="Avis concordants")

    html = text_of(as_user(client, council_member).get(ranking_url(call)))

    assert "A\xa020" in row_html(html, split) and "B\xa04" in row_html(html, split)
    assert row_html(html, split).count(">disagrees<") == 2
    assert "disagrees" not in row_html(html, agreed)
    assert "Spread" in html and ">16<" in row_html(html, split)


def test_an_application_under_a_threshold_is_flagged(client, council_member, call):
    weak = reviewed(call, ["1", "5"], ["1", "5"], title="Qualité faible")
    strong = reviewed(call, ["4", "4"], ["4", "4"], title="Solide")

    html = text_of(as_user(client, council_member).get(ranking_url(call)))

    assert "under threshold" in row_html(html, weak)
    assert "Quality: 1, under the threshold of 2" in row_html(html, weak)
    assert "under threshold" not in row_html(html, strong)


def test_a_final_consensus_drives_the_rank(client, programme_manager, council_member, call):
    leader = reviewed(call, ["4", "4"], ["4", "4"], title="En tête par les avis")
    lifted = reviewed(call, ["3", "3"], ["3", "3"], title="Relevé par le consensus")
    deliberation.save_consensus(
        lifted,
        programme_manager,
        {"scores": {c.pk: ("5", "") for c in criteria_of(call)}, "recommendation": "fund"},
    )

    draft = as_user(client, council_member).get(ranking_url(call))
    assert [row.application for row in draft.context["rows"]] == [leader, lifted]
    assert "draft" in row_html(text_of(draft), lifted)

    finalise(lifted, programme_manager, ["5", "5"], recommendation="fund")
    final = client.get(ranking_url(call))
    html = text_of(final)

    assert [row.application for row in final.context["rows"]] == [lifted, leader]
    assert "final" in row_html(html, lifted)
    assert "consensus" in row_html(html, lifted)
    assert "mean" in row_html(html, leader)


def test_a_reply_is_marked_on_the_ranking(client, council_member, call):
    replied = reviewed(call, ["4", "4"])
    silent = reviewed(call, ["3", "3"])
    Reply.objects.create(application=replied, text="Une erreur factuelle.")

    html = text_of(as_user(client, council_member).get(ranking_url(call)))

    assert "replied" in row_html(html, replied)
    assert "replied" not in row_html(html, silent)


def bulk_reviewed_call(call, count):
    """`count` applications in review, each with 3 submitted reviews scored on every criterion,
    a lead's institution, and for one in ten a final consensus and a reply: built with
    bulk_create, in a few seconds even for 1,000."""
    criteria = criteria_of(call)
    lead = UserFactory()
    experts = [ReviewerFactory() for _ in range(3)]
    institution = InstitutionFactory(name="Bibliothèque nationale")
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            lead=lead,
            title=f"Projet {i}",
            state=ApplicationState.IN_REVIEW,
            submitted_at=now - dt.timedelta(days=2, minutes=i),
        )
        for i in range(count)
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            application=a,
            name="Chercheuse",
            role="researcher",
            is_lead=True,
            institution=institution,
        )
        for a in applications
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(
            application=a,
            reviewer=expert,
            state=AssignmentState.ACCEPTED,
            due_at=now + dt.timedelta(days=10),
        )
        for a in applications
        for expert in experts
    )
    reviews = Review.objects.bulk_create(
        Review(
            assignment=assignment,
            state=ReviewState.SUBMITTED,
            submitted_at=now,
            recommendation="fund",
            weighted_score=Decimal((assignment.application.pk * 7 + n) % 21),
            comment_for_applicant="Un projet solide.",
        )
        for n, assignment in enumerate(assignments)
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion=criterion, score=Decimal(n % 6))
        for n, review in enumerate(reviews)
        for criterion in criteria
    )
    finals = applications[::10]
    reports = ConsensusReport.objects.bulk_create(
        ConsensusReport(application=a, weighted_score=Decimal("15"), finalised_at=now)
        for a in finals
    )
    ConsensusScore.objects.bulk_create(
        ConsensusScore(report=report, criterion=criterion, score=Decimal("4"))
        for report in reports
        for criterion in criteria
    )
    Reply.objects.bulk_create(Reply(application=a, text="Une précision.") for a in finals)


@pytest.mark.parametrize("count", [10, 1000])
def test_the_ranking_has_a_fixed_number_of_queries(
    client, council_member, call, count, django_assert_max_num_queries
):
    bulk_reviewed_call(call, count)
    as_user(client, council_member)

    # Session, user, call, permissions (2), the criteria, the applications, the reviews, the
    # criterion means, the agreed scores, the lead institutions, the unread notifications; the
    # base template's site settings (four queries on the first request, which creates them).
    # For a council member, what they may not deliberate on (reviews.ranking.withheld_from):
    # the leads' accounts, the members who joined, the teams, the excluded reviewers, the
    # team's claims, the conflicts declared with the recusals (the six of
    # reviews.conflicts.dossier_facts) and the reviews they owe: seven more, at any size.
    with django_assert_max_num_queries(25):
        response = client.get(ranking_url(call))

    rows = response.context["rows"]
    assert len(rows) == count
    assert all(row.done == 3 and row.expected == 3 for row in rows)
    assert rows[0].score >= rows[-1].score
    assert sum(1 for row in rows if row.has_consensus) == len(range(0, count, 10))
    assert "Bibliothèque nationale" in text_of(response)
    # A page shows 100 rows; ranks count across pages.
    shown = list(response.context["page"].object_list)
    assert len(shown) == min(count, 100)
    if count > 100:
        second = client.get(ranking_url(call), {"page": 2}).context["page"].object_list
        assert second[0].rank == 101


# A dossier's reviews


@pytest.fixture
def dossier_case(call):
    """An application with two submitted reviews, by named reviewers, and a rapporteur."""
    application = reviewed(call, title="Corpus d'archives")
    first = ReviewerFactory(first_name="Alice", last_name="Premier")
    second = ReviewerFactory(first_name="Bruno", last_name="Second")
    submit(AssignmentFactory(application=application, reviewer=first, accepted=True), ["4", "3"])
    submit(
        AssignmentFactory(application=application, reviewer=second, accepted=True),
        ["2", "2"],
        confidential="Je connais mal ce domaine.",
        comment="Le calendrier paraît serré.",
    )
    return application, first, second


def dossier_url(application):
    return reverse("reviews:dossier", args=[application.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("programme_manager", 200),
        ("council_member", 200),
        ("reviewer", 404),
        ("applicant", 404),
        ("other_applicant", 404),
    ],
)
def test_a_dossiers_reviews_are_for_staff_and_the_council(
    client, request, dossier_case, persona, status
):
    application, _first, _second = dossier_case
    as_user(client, request.getfixturevalue(persona))
    assert client.get(dossier_url(application)).status_code == status
    assert client.get(reverse("reviews:consensus", args=[application.pk])).status_code == (
        200 if persona == "programme_manager" else 404
    )


def test_the_lead_applicant_cannot_read_the_reviews(client, dossier_case):
    application, _first, _second = dossier_case
    as_user(client, application.lead)
    assert client.get(dossier_url(application)).status_code == 404
    assert client.get(reverse("reviews:consensus", args=[application.pk])).status_code == 404


def test_staff_read_every_review_with_its_reviewers_name(client, programme_manager, dossier_case):
    application, first, second = dossier_case

    html = text_of(as_user(client, programme_manager).get(dossier_url(application)))

    for expected in (
        "Corpus d'archives",
        "Review A – Alice Premier",
        "Review B – Bruno Second",
        "Je connais mal ce domaine.",
        "Le calendrier paraît serré.",
        "Fund",
        reverse("applications:edit", args=[application.pk]),
    ):
        assert expected in html
    assert "14.67/20" in html  # Alice's review: (2 × 4/5 + 3/5) / 3 × 20


def test_the_rapporteur_is_chosen_by_staff_then_reads_and_writes(
    client, programme_manager, council_member, dossier_case
):
    application, first, second = dossier_case
    as_user(client, council_member)
    refused = client.post(
        dossier_url(application), {"action": "set_rapporteur", "rapporteur": first.pk}
    )
    assert refused.status_code == 404

    as_user(client, programme_manager)
    page = text_of(client.get(dossier_url(application)))
    assert f'<option value="{first.pk}"' in page and f'<option value="{council_member.pk}"' in page
    client.post(dossier_url(application), {"action": "set_rapporteur", "rapporteur": first.pk})
    assert ConsensusReport.objects.get(application=application).rapporteur == first

    as_user(client, first)
    as_rapporteur = client.get(dossier_url(application))
    html = text_of(as_rapporteur)
    assert as_rapporteur.status_code == 200
    assert "Review B" in html
    assert "Bruno Second" not in html  # a reviewer who is not on the council reads letters
    assert client.get(reverse("reviews:consensus", args=[application.pk])).status_code == 200
    # The other reviewer is not the rapporteur.
    as_user(client, second)
    assert client.get(reverse("reviews:consensus", args=[application.pk])).status_code == 404
    assert client.get(dossier_url(application)).status_code == 404


def test_someone_in_conflict_cannot_be_chosen_as_rapporteur(client, programme_manager, call):
    lille = InstitutionFactory(name="Université de Lille")
    application = reviewed(call, ["4", "4"])
    # A member who joined the team from Lille: their profile names the council member from
    # Lille, and the programme team confirms the conflict.
    joined_member(application, UserFactory(institution=lille), name="Collègue")
    colleague = UserFactory(roles=[Role.COUNCIL_MEMBER], institution=lille)
    record_claims([application], programme_manager)
    rule_on_claim(TeamClaim.objects.get(reviewer=colleague), programme_manager, confirm=True)

    response = as_user(client, programme_manager).post(
        dossier_url(application),
        {"action": "set_rapporteur", "rapporteur": colleague.pk},
        follow=True,
    )

    assert f'<option value="{colleague.pk}"' not in text_of(response)
    assert "Choose the rapporteur in the list." in text_of(response)
    assert not ConsensusReport.objects.filter(rapporteur=colleague).exists()


def test_staff_reopen_a_final_consensus(client, programme_manager, dossier_case):
    application, _first, _second = dossier_case
    finalise(application, programme_manager, ["4", "3"])

    as_user(client, programme_manager)
    consensus_page = text_of(client.get(reverse("reviews:consensus", args=[application.pk])))
    assert 'value="finalise"' not in consensus_page
    assert 'value="reopen_consensus"' in text_of(client.get(dossier_url(application)))
    client.post(dossier_url(application), {"action": "reopen_consensus"})

    assert not ConsensusReport.objects.get(application=application).is_final


# The consensus report


def consensus_url(application):
    return reverse("reviews:consensus", args=[application.pk])


def consensus_form(call, scores, **fields):
    data = {"action": "save", "majority_view": "", "minority_view": "", "override_reason": ""}
    for criterion, score in zip(criteria_of(call), scores, strict=True):
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = "Commentaire convenu."
    data.update(fields)
    return data


def test_the_form_shows_the_reviewers_scores_and_their_mean(
    client, programme_manager, dossier_case
):
    application, _first, _second = dossier_case

    html = text_of(as_user(client, programme_manager).get(consensus_url(application)))

    assert "Alice Premier\xa04" in html and "Bruno Second\xa02" in html
    assert "mean <strong>3</strong>" in html
    assert 'name="threshold_override"' in html
    assert 'value="finalise"' in html


def test_funding_under_a_threshold_needs_an_override_and_its_reason(
    client, programme_manager, dossier_case
):
    application, _first, _second = dossier_case
    call = application.call
    as_user(client, programme_manager)

    refused = client.post(
        consensus_url(application),
        consensus_form(
            call, ["1", "5"], recommendation="fund", comment_for_applicant="Mon commentaire"
        ),
    )

    assert refused.status_code == 400
    html = text_of(refused)
    assert "Under a threshold, funding can only be proposed with an override:" in html
    assert "Quality: 1, under the threshold of 2" in html
    assert 'value="1"' in html and "Mon commentaire</textarea>" in html  # nothing typed is lost
    assert ConsensusReport.objects.get(application=application).recommendation == ""

    without_reason = client.post(
        consensus_url(application),
        consensus_form(call, ["1", "5"], recommendation="fund", threshold_override="on"),
    )
    assert without_reason.status_code == 400
    assert "Say why the threshold is overridden." in text_of(without_reason)

    accepted = client.post(
        consensus_url(application),
        consensus_form(
            call,
            ["1", "5"],
            recommendation="fund",
            threshold_override="on",
            override_reason="Le comité juge la qualité sous-estimée par un expert.",
        ),
    )
    assert accepted.status_code == 302
    report = ConsensusReport.objects.get(application=application)
    assert (report.recommendation, report.threshold_override) == ("fund", True)
    assert report.override_reason == "Le comité juge la qualité sous-estimée par un expert."


def test_an_invalid_score_is_shown_next_to_its_field(client, programme_manager, dossier_case):
    application, _first, _second = dossier_case
    quality = criteria_of(application.call)[0]

    response = as_user(client, programme_manager).post(
        consensus_url(application), consensus_form(application.call, ["9", "3"])
    )

    assert response.status_code == 400
    html = text_of(response)
    assert f'id="score_{quality.pk}-error">Give a score from 0 to 5.' in html
    assert f'name="score_{quality.pk}" value="9"' in html


def test_finalising_checks_completeness_then_locks_the_report(
    client, programme_manager, dossier_case
):
    application, _first, _second = dossier_case
    call = application.call
    as_user(client, programme_manager)

    incomplete = client.post(
        consensus_url(application), consensus_form(call, ["4", ""], action="finalise")
    )
    assert incomplete.status_code == 400
    html = text_of(incomplete)
    assert "Give the agreed score." in html
    assert "Choose a recommendation." in html
    assert "Write the comment for the applicant." in html
    assert not ConsensusReport.objects.get(application=application).is_final

    done = client.post(
        consensus_url(application),
        consensus_form(
            call,
            ["4", "3"],
            action="finalise",
            recommendation="fund_with_changes",
            comment_for_applicant="Un projet solide, à préciser.",
        ),
    )
    assert done.status_code == 302
    report = ConsensusReport.objects.get(application=application)
    assert report.is_final and report.weighted_score == Decimal("14.67")

    read_only = text_of(client.get(consensus_url(application)))
    assert 'value="finalise"' not in read_only
    assert "This report is final since" in read_only
    again = client.post(consensus_url(application), consensus_form(call, ["1", "1"]), follow=True)
    assert "The consensus report is final. Staff can reopen it." in text_of(again)
    assert ConsensusReport.objects.get(application=application).weighted_score == Decimal("14.67")


# The applicant's reply


@pytest.fixture
def reply_case(call):
    """An application in review with two submitted reviews, during the call's reply phase."""
    now = timezone.now()
    call.reply_opens_at = now - dt.timedelta(hours=1)
    call.reply_closes_at = now + dt.timedelta(days=7)
    call.reply_max_chars = 100
    call.save()
    application = reviewed(call, title="Projet en réponse")
    named = ReviewerFactory(first_name="Zéphyrin", last_name="Confidentiel")
    submit(
        AssignmentFactory(application=application, reviewer=named, accepted=True),
        ["4", "3"],
        confidential="Remarque réservée au conseil.",
        comment="Le budget de numérisation est sous-estimé.",
    )
    submit(
        AssignmentFactory(application=application, accepted=True),
        ["3", "3"],
        comment="Bonne équipe.",
    )
    return application, named


def reply_url(application):
    return reverse("reviews:reply", args=[application.pk])


@pytest.mark.parametrize(
    "persona", ["programme_manager", "council_member", "reviewer", "other_applicant"]
)
def test_only_the_lead_applicant_replies(client, request, reply_case, persona):
    application, named = reply_case
    as_user(client, request.getfixturevalue(persona))
    assert client.get(reply_url(application)).status_code == 404
    assert client.post(reply_url(application), {"text": "Non."}).status_code == 404
    as_user(client, named)
    assert client.get(reply_url(application)).status_code == 404
    assert not Reply.objects.exists()


def test_the_lead_reads_the_comments_without_who_wrote_them(client, reply_case):
    application, named = reply_case

    response = as_user(client, application.lead).get(reply_url(application))
    html = text_of(response)

    assert response.status_code == 200
    assert "Le budget de numérisation est sous-estimé." in html
    assert "Bonne équipe." in html
    assert "Zéphyrin" not in html and "Confidentiel" not in html and named.email not in html
    assert "Remarque réservée au conseil." not in html
    assert "Argumenté." not in html  # nor the reviewers' comments per criterion
    assert "Paris time" in html
    assert 'data-max-chars="100"' in html
    assert "js/char-count.js" in html


def test_a_reviewers_name_quoted_in_a_comment_is_blacked_out_on_the_reply_page(client, reply_case):
    """Issue 13, finding 7: the letters blacked names out; the reply page showed them."""
    application, named = reply_case
    quoting = ReviewerFactory(first_name="Ombeline", last_name="Sous-Silence")
    submit(
        AssignmentFactory(application=application, reviewer=quoting, accepted=True),
        ["3", "3"],
        comment=f"Comme Zéphyrin Confidentiel ({named.email}), je trouve le calendrier serré.",
    )

    html = text_of(as_user(client, application.lead).get(reply_url(application)))

    assert "Comme […] ([…]), je trouve le calendrier serré." in html
    assert "Zéphyrin" not in html and named.email not in html


def test_the_lead_replies_within_the_limit(client, reply_case):
    application, _named = reply_case
    as_user(client, application.lead)

    too_long = client.post(reply_url(application), {"text": "x" * 101})
    assert too_long.status_code == 400
    html = text_of(too_long)
    assert "Your reply has 101 characters; the limit is 100." in html
    assert "x" * 101 + "</textarea>" in html  # what was typed is kept
    assert "101 / 100 characters: too long, shorten your reply" in html
    assert not Reply.objects.filter(application=application).exclude(text="").exists()

    # A line break counts as one character, as on the page's counter.
    text = "Le budget\r\n" + "y" * 89
    saved = client.post(reply_url(application), {"text": text})
    assert saved.status_code == 302
    assert Reply.objects.get(application=application).text == text.replace("\r\n", "\n")


def test_outside_the_phase_the_page_says_when_and_shows_the_saved_reply(client, reply_case):
    application, _named = reply_case
    call = application.call
    Reply.objects.create(application=application, text="Ma réponse enregistrée.")
    call.reply_opens_at = timezone.now() - dt.timedelta(days=10)
    call.reply_closes_at = timezone.now() - dt.timedelta(days=3)
    call.save()
    as_user(client, application.lead)

    closed = client.get(reply_url(application))
    html = text_of(closed)
    assert "The reply phase closed on" in html
    assert "Ma réponse enregistrée." in html
    assert "<textarea" not in html
    assert "Le budget de numérisation est sous-estimé." not in html

    refused = client.post(reply_url(application), {"text": "Trop tard."})
    assert refused.status_code == 400
    assert "The reply phase is not open." in text_of(refused)
    assert Reply.objects.get(application=application).text == "Ma réponse enregistrée."

    call.reply_opens_at = timezone.now() + dt.timedelta(days=3)
    call.reply_closes_at = timezone.now() + dt.timedelta(days=10)
    call.save()
    assert "The reply phase opens on" in text_of(client.get(reply_url(application)))


def test_staff_and_the_council_read_the_reply_on_the_dossier(client, council_member, reply_case):
    application, _named = reply_case
    Reply.objects.create(application=application, text="Le budget a été vérifié.")
    html = text_of(as_user(client, council_member).get(dossier_url(application)))
    assert "The applicant's reply" in html and "Le budget a été vérifié." in html


def test_the_application_page_leads_its_lead_to_the_reply(client, programme_manager, reply_case):
    application, _named = reply_case
    application.state = "in_review"
    application.save(update_fields=["state"])
    edit = reverse("applications:edit", args=[application.pk])

    page = as_user(client, application.lead).get(edit).content.decode()
    assert reply_url(application) in page

    page = as_user(client, programme_manager).get(edit).content.decode()
    assert reply_url(application) not in page  # staff cannot reply
