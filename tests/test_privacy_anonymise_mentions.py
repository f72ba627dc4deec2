"""A person who erases their account disappears from others' applications too: the team entries
and exclusions of every snapshot that names their address (whatever its case) or their ORCID
iD, the live rows, the lead's team invitations, the reviewer invitations, the conflicts their
team row named. Each rewritten snapshot is recorded, so that `verify_integrity` still finds it
intact. An inactive account's retention, by contrast, takes only the account."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import ExcludedReviewer, Submission, TeamInvitation, TeamMember
from applications.services import submit_application
from privacy.anonymise import anonymise_account, anonymise_application
from privacy.erasure import erase_account
from privacy.models import Hold, SnapshotRewrite
from reviews.models import Invitation, TeamClaim

from .factories import (
    ApplicationFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    joined_member,
)

pytestmark = pytest.mark.django_db

ORCID = "0000-0001-5109-3700"
TRACES = ("Partagée", "irene.partagee", ORCID, "ancienne.adresse", "Ancienne rivalité")


@pytest.fixture
def irene():
    return UserFactory(
        first_name="Irène",
        last_name="Partagée",
        email="irene.partagee@example.org",
        orcid=ORCID,
    )


def submitted(application):
    submit_application(application, application.lead)
    return application


@pytest.fixture
def named_elsewhere(irene):
    """Three applications led by others that name Irène: A, where she joined the team (her row
    typed with capitals); B, where a row carries her ORCID iD and an old address; C, where the
    lead asked to keep her away. A reviewer's conflict named by her row in A, and the reviewer
    invitation she accepted."""
    joined = ApplicationFactory(complete=True)
    joined_member(
        joined,
        irene,
        name="Irène Partagée",
        email="Irene.Partagee@Example.org",
        institution_name="Bibliothèque de Lyon",
        role="researcher",
        position=2,
    )
    by_orcid = ApplicationFactory(complete=True)
    TeamMemberFactory(
        application=by_orcid,
        name="I. Partagée",
        email="ancienne.adresse@example.org",
        orcid=ORCID,
        institution_name="Université de Tours",
        position=2,
    )
    excluding = ApplicationFactory(complete=True)
    ExcludedReviewer.objects.create(
        application=excluding,
        name="Irène Partagée",
        email="irene.partagee@example.org",
        institution_name="Bibliothèque de Lyon",
        reason="Ancienne rivalité",
    )
    for application in (joined, by_orcid, excluding):
        submitted(application)
    reviewer = ReviewerFactory()
    for position, name in ((2, "Irène Partagée"), (0, "Chercheuse")):
        TeamClaim.objects.create(
            application=joined,
            reviewer=reviewer if position else ReviewerFactory(),
            state="counted",
            position=position,
            member_name=name,
        )
    Invitation.objects.create(
        email=irene.email, name="Irène Partagée", message="Chère Irène", accepted_by=irene
    )
    return joined, by_orcid, excluding


def snapshot(application):
    return Submission.objects.get(application=application).content


def verify():
    out = StringIO()
    call_command("verify_integrity", stdout=out)  # raises CommandError on a problem
    return out.getvalue()


def test_an_erased_member_leaves_every_snapshot_that_names_them(irene, named_elsewhere):
    joined, by_orcid, excluding = named_elsewhere

    erase_account(irene)

    for application in named_elsewhere:
        text = str(snapshot(application))
        for trace in TRACES:
            assert trace not in text, (application.reference, trace)
    placeholder = {"name": "Compte supprimé", "email": "", "orcid": ""}
    entry = next(m for m in snapshot(joined)["team"] if m["name"] == "Compte supprimé")
    assert entry | placeholder == entry
    assert (entry["institution"], entry["role"]) == ("Bibliothèque de Lyon", "researcher")
    entry = next(m for m in snapshot(by_orcid)["team"] if m["name"] == "Compte supprimé")
    assert entry["institution"] == "Université de Tours"
    [excluded] = snapshot(excluding)["excluded_reviewers"]
    assert excluded == {
        "name": "Compte supprimé",
        "email": "",
        "institution": "Bibliothèque de Lyon",
        "reason": "",
    }
    # Everyone else stays: the leads, the other members.
    content = snapshot(joined)
    assert content["lead"]["name"] == joined.lead.get_full_name()
    assert {"Chercheuse", "Bibliothécaire"} <= {member["name"] for member in content["team"]}


def test_the_live_rows_naming_an_erased_person_read_the_placeholder(irene, named_elsewhere):
    joined, by_orcid, excluding = named_elsewhere

    erase_account(irene)

    rows = TeamMember.objects.filter(application__in=[joined, by_orcid], position=2)
    assert list(rows.values_list("name", "email", "orcid")) == [("Compte supprimé", "", "")] * 2
    assert list(rows.values_list("institution_name", flat=True)) == [
        "Bibliothèque de Lyon",
        "Université de Tours",
    ]
    row = ExcludedReviewer.objects.get(application=excluding)
    assert (row.name, row.email, row.reason) == ("Compte supprimé", "", "")
    invitation = TeamInvitation.objects.get(application=joined)
    assert "irene" not in invitation.email and invitation.email.endswith("@invalid.example")
    assert invitation.accepted_by == irene
    reviewer_invitation = Invitation.objects.get(accepted_by=irene)
    assert (reviewer_invitation.name, reviewer_invitation.message) == ("", "")
    assert "irene" not in reviewer_invitation.email
    claims = TeamClaim.objects.filter(application=joined).order_by("position")
    assert list(claims.values_list("member_name", flat=True)) == ["Chercheuse", ""]


def test_rewritten_snapshots_of_others_are_found_intact(irene, named_elsewhere):
    erase_account(irene)

    output = verify()

    today = timezone.localdate().isoformat()
    for application in named_elsewhere:
        assert f"ANONYMISED submission {application.reference} #1 on {today}" in output
    assert "0 mismatches, 0 missing. 3 anonymised." in output
    assert SnapshotRewrite.objects.filter(anonymisation__user=irene).count() == 3


def test_an_inactive_account_retention_takes_only_the_account(irene, named_elsewhere):
    """Others' dossiers are kept or anonymised on their own period: the retention of an
    account does not rewrite them."""
    before = [snapshot(application) for application in named_elsewhere]

    anonymise_account(irene, rule="inactive_account")

    irene.refresh_from_db()
    assert (str(irene), irene.orcid, irene.is_active) == ("Compte supprimé", "", False)
    assert [snapshot(application) for application in named_elsewhere] == before
    assert TeamMember.objects.filter(name__contains="Partagée").count() == 2
    assert ExcludedReviewer.objects.get(reason="Ancienne rivalité")
    assert TeamClaim.objects.filter(member_name="Irène Partagée").exists()
    assert not SnapshotRewrite.objects.exists()


def test_a_held_dossier_that_only_excludes_the_person_stays_whole(irene, named_elsewhere):
    """Being kept away from a dossier is no part in it: the erasure goes ahead, and the held
    dossier is anonymised whole on its own period."""
    _joined, _by_orcid, excluding = named_elsewhere
    Hold.objects.create(application=excluding, reason="Contentieux")
    before = snapshot(excluding)

    erase_account(irene)

    assert snapshot(excluding) == before
    assert ExcludedReviewer.objects.get(application=excluding).reason == "Ancienne rivalité"


def test_an_anonymised_dossier_is_not_written_again_by_its_leads_erasure():
    """The nightly run anonymised it first: the erasure skips its snapshot (it would put the
    placeholder back where the anonymisation left nothing)."""
    application = submitted(ApplicationFactory(complete=True))
    anonymise_application(application, rule="not_funded")
    anonymised = snapshot(application)

    anonymise_account(application.lead, rule="erasure", actor=application.lead)

    assert snapshot(application) == anonymised
    assert SnapshotRewrite.objects.filter(anonymisation__user=application.lead).count() == 0


def erasure_queries(others):
    """The queries of an erasure on a site with `others` submitted applications that do not
    name the person."""
    for _ in range(others):
        submitted(ApplicationFactory(complete=True))
    person = UserFactory(email=f"personne{others}@example.org")
    application = ApplicationFactory(complete=True)
    TeamMemberFactory(application=application, email=person.email, position=2)
    submitted(application)
    with CaptureQueriesContext(connection) as queries:
        erase_account(person)
    assert "Compte supprimé" in str(snapshot(application)["team"])
    return len(queries)


def test_an_erasure_costs_the_same_queries_whatever_the_size_of_the_site():
    assert erasure_queries(1) == erasure_queries(4)
