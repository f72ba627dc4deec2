"""The demo command: what it loads, that a second run changes nothing, that its accounts work."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from wagtail.models import Revision, Site

from accounts.models import Institution, InstitutionKind, User
from accounts.roles import Role
from calls.models import Call, CallCriterion, CallPhase, Programme
from cms.models import HomePage, NetworkSettings, StandardPage
from demo.facts import load_network
from demo.people import DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db

FACTS = load_network()
QUESTION_KINDS = {"section", "text", "long_text", "choice", "number", "date", "file"}


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "users": User.objects.count(),
        "verified addresses": EmailAddress.objects.filter(verified=True).count(),
        "institutions": Institution.objects.count(),
        "programmes": list(Programme.objects.values_list("code", flat=True)),
        "calls": Call.objects.count(),
        "criteria": CallCriterion.objects.count(),
        "pages": StandardPage.objects.count(),
        "revisions": Revision.objects.count(),
        "call titles": sorted(Call.objects.values_list("title_fr", flat=True)),
    }


def test_a_second_run_changes_nothing():
    load_demo()
    first = snapshot()

    load_demo()

    assert snapshot() == first
    assert first["users"] == len(DEMO_USERS)
    assert first["calls"] == len(FACTS["example_calls"])
    assert first["programmes"] == [programme["code"] for programme in FACTS["programmes"]]


def test_demo_accounts_sign_in_at_once_with_their_roles(client):
    output = load_demo()

    assert DEMO_PASSWORD in output
    for facts in DEMO_USERS:
        assert facts["email"] in output
        response = client.post(
            "/accounts/login/", {"login": facts["email"], "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, facts["email"]
        user = User.objects.get(email=facts["email"])
        assert client.session["_auth_user_id"] == str(user.pk)
        groups = list(user.groups.values_list("name", flat=True))
        assert groups == ([facts["role"].value] if facts["role"] else [])
        assert user.is_staff == facts.get("is_staff", False)
        assert user.is_superuser == facts.get("is_superuser", False)
        client.logout()
    admin = User.objects.get(groups__name=Role.ADMINISTRATOR.value)
    assert admin.is_superuser and admin.is_staff


def test_demo_calls_are_live_in_the_phase_the_file_gives():
    load_demo()

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


def test_demo_calls_have_criteria_a_form_a_faq_and_the_call_text():
    load_demo()

    for call in Call.objects.all():
        criteria = list(call.criteria.all())
        assert 3 <= len(criteria) <= 5
        assert all((c.scale_min, c.scale_max) == (0, 5) for c in criteria)
        assert {block.block_type for block in call.questions} == QUESTION_KINDS
        assert 2 <= len(call.faq) <= 3
        [link] = call.documents.all()
        with link.document.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


def test_the_site_shows_the_network_its_pages_and_institutions():
    load_demo()

    site = Site.objects.get(is_default_site=True)
    settings = NetworkSettings.for_site(site)
    assert settings.name == FACTS["network"]["name"]
    assert settings.contact_email.endswith("@example.org")
    home = HomePage.objects.get()
    assert home.intro_fr and home.intro_en
    pages = home.get_children().live().specific()
    assert sorted(page.slug for page in pages) == sorted(page["slug"] for page in FACTS["pages"])
    # The about page is in the header menu; the legal pages stay in the footer.
    assert [page.slug for page in pages if page.show_in_menus] == ["a-propos"]
    accessibility = StandardPage.objects.get(slug="accessibilite")
    assert "partiellement conforme" in str(accessibility.body[0].value)
    # Only the verified ROR identifiers are filled in; the others are left blank.
    with_ror = dict(Institution.objects.exclude(ror="").values_list("acronym", "ror"))
    assert with_ror == {"CNRS": "02feahw73", "SU": "02en5vm52", "UPCité": "05f82e368"}
    operators = Institution.objects.filter(kind=InstitutionKind.OPERATOR)
    assert operators.count() == len(FACTS["operators"])


def test_the_large_size_adds_calls_applicants_and_reviewers_once():
    load_demo("--size", "large")
    load_demo("--size", "large")

    assert Call.objects.count() == 40
    assert Call.objects.published().count() == 40
    assert set(Call.objects.with_phase().values_list("current_phase", flat=True)) == {
        CallPhase.UPCOMING,
        CallPhase.OPEN,
        CallPhase.CLOSED,
    }
    bench = User.objects.filter(email__endswith="@bench.example.org")
    assert bench.filter(groups__isnull=True).count() == 2000
    assert bench.filter(groups__name=Role.REVIEWER.value).count() == 200
    assert EmailAddress.objects.filter(email__endswith="@bench.example.org").count() == 2200
