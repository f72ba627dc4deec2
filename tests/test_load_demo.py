"""The demo command: what it loads, that a second run changes nothing, that its accounts work.

The demo is loaded once for the module (a few seconds), in a transaction rolled back at the end;
each test runs in a savepoint inside it, as pytest-django's django_db does, and reads it. Only
the second run and the large size load again, in their own tests."""

from dataclasses import dataclass
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Revision, Site

from accounts.models import Discipline, Institution, InstitutionKind, User
from accounts.roles import Role
from applications.models import Application, ApplicationState, Attachment, Submission
from calls.models import Call, CallCriterion, CallPhase, Programme
from cms.models import HomePage, NetworkSettings, StandardPage
from decisions.models import Decision
from demo.decisions import DECIDED_APPLICATIONS, DECIDED_CALL, DECIDED_PEOPLE
from demo.dossiers import dossiers, leads_and_reviewers
from demo.facts import load_network
from demo.labels import LABELS
from demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, quiet_accounts
from demo.review import REVIEW_CALL
from demo.volume import SERVICE_LABELS
from labels.models import Collection
from labels.vocabularies import Region
from privacy.models import PrivacyNoticePage
from reviews.conflicts import conflicts_between
from reviews.models import (
    Assignment,
    AssignmentState,
    ConsensusReport,
    EligibilityScreening,
    Reply,
    Review,
    ReviewerProfile,
    ReviewState,
)
from reviews.ranking import call_ranking

pytestmark = pytest.mark.django_db

FACTS = load_network()
QUESTION_KINDS = {"section", "text", "long_text", "choice", "number", "date", "file"}
APPLICATIONS = dossiers(REVIEW_CALL)
EXTRA_APPLICANTS = quiet_accounts(leads_and_reviewers(REVIEW_CALL))


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@dataclass
class LoadedDemo:
    output: str  # what load_demo printed
    emails: list  # the e-mails sent while it loaded, its on-commit callbacks run


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module's tests and rolled back after the last one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # As a test case's own transaction: the tests' savepoints nest in it.
        outer._from_testcase = True
        with outer:
            kept, mail.outbox = getattr(mail, "outbox", []), []
            with TestCase.captureOnCommitCallbacks(execute=True):
                output = load_demo()
            loaded = LoadedDemo(output, mail.outbox)
            mail.outbox = kept
            yield loaded
            transaction.set_rollback(True)


def snapshot():
    return {
        "users": User.objects.count(),
        "verified addresses": EmailAddress.objects.filter(verified=True).count(),
        "institutions": Institution.objects.count(),
        "programmes": list(Programme.objects.values_list("code", flat=True)),
        "calls": Call.objects.count(),
        "criteria": CallCriterion.objects.count(),
        "pages": StandardPage.objects.count(),
        "privacy notices": PrivacyNoticePage.objects.count(),
        "revisions": Revision.objects.count(),
        "call titles": sorted(Call.objects.values_list("title_fr", flat=True)),
        "disciplines": Discipline.objects.count(),
        "reviewer profiles": ReviewerProfile.objects.count(),
        "applications": sorted(Application.objects.values_list("title", "state")),
        "submissions": Submission.objects.count(),
        "attachments": Attachment.objects.count(),
        "screenings": EligibilityScreening.objects.count(),
        "assignments": counts(Assignment.objects, "state"),
        "reviews": counts(Review.objects, "state"),
        "final consensus": ConsensusReport.objects.exclude(finalised_at=None).count(),
        "replies": Reply.objects.count(),
    }


def counts(queryset, field):
    return dict(queryset.values_list(field).annotate(n=Count("pk")).order_by(field))


def test_a_second_run_changes_nothing(demo):
    first = snapshot()

    load_demo()

    assert snapshot() == first
    assert first["users"] == len(DEMO_USERS) + len(EXTRA_APPLICANTS) + len(DECIDED_PEOPLE)
    assert first["applications"] and first["assignments"]
    assert first["final consensus"] == 1 + len(DECIDED_APPLICATIONS)
    assert first["calls"] == len(FACTS["example_calls"]) + len(LABELS["calls"])
    assert first["programmes"] == [programme["code"] for programme in FACTS["programmes"]]


def test_demo_accounts_sign_in_at_once_with_their_roles(client, demo):
    output = demo.output

    assert DEMO_PASSWORD in output
    assert DEMO_TOTP_SECRET in output and "make totp EMAIL=gestion@example.org" in output
    for facts in DEMO_USERS:
        assert facts["email"] in output
        response = client.post(
            "/accounts/login/", {"login": facts["email"], "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, facts["email"]
        if facts.get("totp"):  # staff and council: the code of their authenticator app
            code = StringIO()
            call_command("demo_totp", facts["email"], stdout=code, stderr=StringIO())
            response = client.post(response.url, {"code": code.getvalue().strip()})
        user = User.objects.get(email=facts["email"])
        assert client.session["_auth_user_id"] == str(user.pk)
        groups = list(user.groups.values_list("name", flat=True))
        assert groups == ([facts["role"].value] if facts["role"] else [])
        assert user.is_staff == facts.get("is_staff", False)
        assert user.is_superuser == facts.get("is_superuser", False)
        client.logout()
    admin = User.objects.get(groups__name=Role.ADMINISTRATOR.value)
    assert admin.is_superuser and admin.is_staff
    # The leads of the call in review who are not demo accounts sign in too, unlisted.
    for facts in EXTRA_APPLICANTS:
        assert facts["email"] not in output
        assert client.login(email=facts["email"], password=DEMO_PASSWORD)
        assert EmailAddress.objects.get(email=facts["email"]).verified


def test_demo_calls_are_live_in_the_phase_the_file_gives(demo):
    for spec in FACTS["example_calls"]:
        call = Call.objects.get(slug=spec["slug"])
        if spec["opens_in_days"] > 0:
            expected = CallPhase.UPCOMING
        elif spec["closes_in_days"] > 0:
            expected = CallPhase.OPEN
        else:
            expected = CallPhase.CLOSED
        assert call.phase == expected, call.slug
        assert call.live
        assert call.live_revision is not None
        assert call.programme.code == spec["programme"]
        # The published revision carries the criteria, as one published in the admin does.
        published = call.live_revision.as_object()
        assert list(published.criteria.values_list("name_fr", flat=True)) == list(
            call.criteria.values_list("name_fr", flat=True)
        )


def test_demo_calls_have_criteria_a_form_a_faq_and_the_call_text(demo):
    # The past label campaigns (demo/labels.py) have a form of their own and no call text.
    campaigns = Call.objects.filter(slug__in=[campaign["slug"] for campaign in LABELS["calls"]])
    for call in campaigns:
        assert 3 <= call.criteria.count() <= 5
        assert {block.block_type for block in call.questions} == {"section", "long_text"}
        assert call.label_duration_months == 60
    for call in Call.objects.exclude(pk__in=campaigns.values("pk")):
        criteria = list(call.criteria.all())
        assert 3 <= len(criteria) <= 5
        assert all((c.scale_min, c.scale_max) == (0, 5) for c in criteria)
        assert {block.block_type for block in call.questions} == QUESTION_KINDS
        assert 2 <= len(call.faq) <= 3
        [link] = call.documents.all()
        with link.document.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


def test_the_site_shows_the_network_its_pages_and_institutions(demo):
    site = Site.objects.get(is_default_site=True)
    settings = NetworkSettings.for_site(site)
    assert settings.name == FACTS["network"]["name"]
    assert settings.contact_email.endswith("@example.org")
    home = HomePage.objects.get()
    assert home.intro_fr and home.intro_en
    pages = home.get_children().live().specific()
    slugs = [page["slug"] for page in FACTS["pages"]] + [FACTS["privacy_notice"]["slug"]]
    assert sorted(page.slug for page in pages) == sorted(slugs)
    # The about page is in the header menu; the legal pages stay in the footer.
    assert [page.slug for page in pages if page.show_in_menus] == ["a-propos"]
    accessibility = StandardPage.objects.get(slug="accessibilite")
    assert "partiellement conforme" in str(accessibility.body[0].value)
    # Only the verified ROR identifiers are filled in; the others are left blank.
    with_ror = dict(Institution.objects.exclude(ror="").values_list("acronym", "ror"))
    assert with_ror == {"CNRS": "02feahw73", "SU": "02en5vm52", "UPCité": "05f82e368"}
    operators = Institution.objects.filter(kind=InstitutionKind.OPERATOR)
    assert operators.count() == len(FACTS["operators"])


def test_the_privacy_notice_names_the_officer_the_rights_and_the_cnil_in_both_languages(demo):
    notice = PrivacyNoticePage.objects.live().get()
    french = "".join(str(block.value) for block in notice.intro_fr)
    english = "".join(str(block.value) for block in notice.intro_en)

    assert notice.get_parent().specific_class is HomePage
    assert (notice.title, notice.title_en) == ("Données personnelles", "Privacy notice")
    for intro in (french, english):
        assert 'href="mailto:dpo@collex.localhost"' in intro
        assert "CNIL" in intro
        assert "CollEx-Persée" in intro
    assert 'href="/accounts/profile/#personal-data-heading"' in french
    assert "rectifier" in french and "opposer" in french
    assert 'href="/en/accounts/profile/#personal-data-heading"' in english
    assert "restricted" in english and "object to it" in english


def test_the_large_size_adds_calls_applicants_and_reviewers_once(demo):
    load_demo("--size", "large")
    load_demo("--size", "large")

    calls = 40 + len(LABELS["calls"])
    assert Call.objects.count() == calls
    assert Call.objects.published().count() == calls
    assert set(Call.objects.with_phase().values_list("current_phase", flat=True)) == {
        CallPhase.UPCOMING,
        CallPhase.OPEN,
        CallPhase.CLOSED,
    }
    bench = User.objects.filter(email__endswith="@bench.example.org")
    assert bench.filter(groups__isnull=True).count() == 2000
    assert bench.filter(groups__name=Role.REVIEWER.value).count() == 200
    assert EmailAddress.objects.filter(email__endswith="@bench.example.org").count() == 2200
    profiles = ReviewerProfile.objects.filter(user__email__endswith="@bench.example.org")
    assert profiles.count() == 200
    assert set(profiles.values_list("max_load", flat=True)) == {20}
    assert not profiles.filter(keywords="").exists()
    assert not profiles.filter(disciplines=None).exists()
    assert len(set(profiles.values_list("keywords", flat=True))) > 100  # varied expertise
    # The benchmark creates its own 1,000-application call: the demo adds no applications.
    labelled = len(LABELS["collections"])
    demo_applications = len(APPLICATIONS) + len(DECIDED_APPLICATIONS) + labelled
    assert Application.objects.count() == demo_applications
    # 2,000 labelled collections for the directory's and the map's benchmark, and a few more
    # labelled through labels.services, once.
    assert Collection.objects.count() == 2000 + SERVICE_LABELS + labelled
    assert set(Collection.objects.values_list("region", flat=True)) == set(Region.values)


def test_the_incubator_call_is_in_review_with_every_state_on_show(demo):
    output = demo.output

    call = Call.objects.get(slug=REVIEW_CALL)
    assert call.phase == CallPhase.CLOSED
    assert call.reviewers_per_application == 2
    assert call.half_points
    assert (call.total_threshold, call.disagreement_gap) == (Decimal("10"), Decimal("4"))
    assert call.reply_phase_open(timezone.now())
    assert call.eligibility_checks.count() == 3
    # Published: the live revision carries the review settings and the checklist.
    published = call.live_revision.as_object()
    assert published.half_points and published.eligibility_checks.count() == 3

    applications = {a.lead.email: a for a in call.applications.select_related("lead")}
    assert set(applications) == {facts["lead"] for facts in APPLICATIONS}
    for application in applications.values():
        # Submitted through the services, before the deadline, with the support letter.
        [submission] = application.submissions.all()
        assert submission.received_at < call.closes_at
        assert application.keywords and application.disciplines.exists()
        [letter] = application.attachments.all()
        with letter.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    states = sorted(application.state for application in applications.values())
    assert states == [ApplicationState.IN_REVIEW] * 3 + [ApplicationState.INELIGIBLE]
    ineligible = applications["hugo.lambert@example.org"]
    assert ineligible.state == ApplicationState.INELIGIBLE
    assert "archive du web" in ineligible.screening.reason

    # No reviewer is assigned where they have a conflict of interest (expert2 and Strasbourg).
    assignments = list(Assignment.objects.select_related("reviewer", "application"))
    assert all(not conflicts_between(a.reviewer, a.application) for a in assignments)
    assert not Assignment.objects.filter(
        reviewer__email="expert2@example.org", application=applications["ines.moreau@example.org"]
    ).exists()

    def work(email):
        """What a reviewer's dashboard shows: (assignment state, review state or None)."""
        return sorted(
            (a.state, getattr(getattr(a, "review", None), "state", None))
            for a in Assignment.objects.filter(
                reviewer__email=email, application__call=call
            ).select_related("review")
        )

    assert work("expert1@example.org") == [
        (AssignmentState.ACCEPTED, ReviewState.DRAFT),
        (AssignmentState.ACCEPTED, ReviewState.SUBMITTED),
        (AssignmentState.ACCEPTED, ReviewState.SUBMITTED),
    ]
    assert work("expert2@example.org") == [
        (AssignmentState.ACCEPTED, ReviewState.SUBMITTED),
        (AssignmentState.PENDING, None),
    ]

    [consensus] = ConsensusReport.objects.exclude(finalised_at=None).filter(application__call=call)
    assert consensus.application == applications["porteuse@example.org"]
    assert consensus.rapporteur.email == "expert1@example.org"
    assert consensus.weighted_score == Decimal("15.5")

    rows = {row.application.pk: row for row in call_ranking(call)}
    first = rows[applications["porteuse@example.org"].pk]
    assert first.rank == 1 and first.has_consensus and first.disagreement
    under = rows[applications["porteur@example.org"].pk]
    assert under.failures and under.has_reply  # under the threshold, and the lead replied

    # Each lead in review was told the reply phase is open.
    assert Reply.objects.exclude(notified_at=None).count() == 3
    # With the decided call's 7 applications, 14 assignments and 14 submitted reviews.
    # With the label campaigns' 20 applications, labelled (demo/labels.py).
    assert "31 applications, 19 reviewer assignments, 18 reviews (17 submitted)" in output
    # Leads, reviewers and staff were told, as the services tell them; only demo addresses.
    recipients = {address for message in demo.emails for address in message.to}
    assert {"porteuse@example.org", "expert1@example.org", "gestion@example.org"} <= recipients
    assert all(address.endswith("@example.org") for address in recipients)


def test_key_figures_of_the_demo(demo):
    """What the demo shows, in figures: moving its data between files must not change them."""
    by_state = Application.objects.values_list("call__slug", "state").annotate(n=Count("pk"))
    assert sorted(by_state.order_by()) == [
        (DECIDED_CALL, ApplicationState.DECIDED, 7),
        (REVIEW_CALL, ApplicationState.IN_REVIEW, 3),
        (REVIEW_CALL, ApplicationState.INELIGIBLE, 1),
        ("labellisation-collex-2021", ApplicationState.DECIDED, 1),
        ("labellisation-collex-2022", ApplicationState.DECIDED, 2),
        ("labellisation-collex-2024", ApplicationState.DECIDED, 17),
    ]
    assert counts(Assignment.objects, "state") == {
        AssignmentState.ACCEPTED: 18,
        AssignmentState.PENDING: 1,
    }
    assert counts(Review.objects, "state") == {ReviewState.DRAFT: 1, ReviewState.SUBMITTED: 17}
    # Four funded by the members' council, a fifth from the reserve list (demo/projects.py).
    assert counts(Decision.objects, "outcome") == {
        "funded": 5,
        "labelled": 20,
        "rejected": 1,
        "reserve": 1,
    }
    assert sorted(User.objects.values_list("email", flat=True)) == [
        f"{name}@example.org"
        for name in [
            "admin",
            "antoine.mercier",
            "conseil",
            "expert1",
            "expert2",
            "gestion",
            "hugo.lambert",
            "ines.moreau",
            "louise.girard",
            "lucie.fabre",
            "marc.schneider",
            "mathilde.roux",
            "porteur",
            "porteuse",
            "yasmina.haddad",
        ]
    ]
    listed = [line.split() for line in demo.output.splitlines() if "@example.org  " in line]
    assert listed == [
        ["admin@example.org", "Administrators"],
        ["gestion@example.org", "Programme", "managers"],
        ["expert1@example.org", "Reviewers"],
        ["expert2@example.org", "Reviewers"],
        ["conseil@example.org", "Council", "members"],
        ["porteuse@example.org", "Applicant"],
        ["porteur@example.org", "Applicant"],
    ]
