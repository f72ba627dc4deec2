"""The demo's funded projects (demo/projects.py): last year's decided call played forward through
the services. Four projects carried, their agreements signed by both parties with a signed
copy, started, scheduled 70/30 and paid their first instalment; one extended by six months;
one giving money back, which funds the first application of the reserve list, whose letter
makes a fifth project; a second run changes nothing.

The demo is loaded once for the module (about five seconds), as in test_load_demo.py."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from applications.models import ApplicationEvent
from decisions.models import Decision, Letter, Outcome
from demo.projects import STORY
from projects.models import (
    AgreementVersion,
    Amendment,
    AmendmentKind,
    AmendmentState,
    Condition,
    Deliverable,
    Instalment,
    Party,
    Payment,
    Project,
    ProjectReport,
    ProjectState,
    ReportState,
    ReportSubmission,
    Signature,
    add_months,
)

from .reading import pdf_text, text_of, visible_text

# Marked as database tests, they run before the transactional tests that flush the database
# (pytest-django's order), as test_load_demo.py's do.
pytestmark = pytest.mark.django_db

DECIDED_CALL = STORY["call"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module's tests and rolled back after the last one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True
        with outer:
            kept, mail.outbox = getattr(mail, "outbox", []), []
            out = StringIO()
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("load_demo", stdout=out)
            mail.outbox = kept
            yield out.getvalue()
            transaction.set_rollback(True)


def projects():
    return {
        project.application.lead.email: project
        for project in Project.objects.filter(
            decision__application__call__slug=DECIDED_CALL
        ).select_related("decision__application__lead", "carrier")
    }


def story(lead):
    return next(facts for facts in STORY["projects"] if facts["lead"] == lead)


def test_each_funded_project_is_carried_signed_started_and_paid_its_first_instalment(demo):
    played = [facts["lead"] for facts in STORY["projects"]]
    by_lead = projects()

    for lead in played:
        project = by_lead[lead]
        facts = story(lead)
        assert project.state == ProjectState.RUNNING
        assert project.carrier.acronym == facts["carrier"]
        assert project.finance_contact_email == facts["finance_contact"]["email"]
        # The call says 24 months from the signature (the extension adds its own).
        assert project.start_date == project.signed_on
        months = 24 + facts.get("extension", {}).get("months", 0)
        assert project.duration_months == months
        assert project.end_date == add_months(project.start_date, months) - dt.timedelta(days=1)

        # The first version, then the one its accepted amendment made: each signed by both
        # parties, with the signed copies.
        versions = list(project.agreement_versions.order_by("number"))
        amended = "extension" in facts or "give_back" in facts
        assert [version.number for version in versions] == ([1, 2] if amended else [1])
        for version in versions:
            assert version.is_signed and version.pdf.read().startswith(b"%PDF-")
            signatures = {signature.party: signature for signature in version.signatures.all()}
            assert set(signatures) == {Party.CARRIER, Party.NETWORK}
            carrier = signatures[Party.CARRIER]
            assert carrier.signer_name == facts["signatory"]["name"]
            with carrier.signed_copy.open("rb") as handle:
                assert facts["signatory"]["name"] in pdf_text(handle.read())
        assert versions[-1].amendment == project.amendments.first()

        # 70 % at signature (or the project's own share), the rest on the final report, of the
        # amount decided; the first instalment paid.
        shares = facts.get("shares", [70, 30])
        first, balance = project.instalments.order_by("position")
        decided = project.decision.proposed_amount
        assert first.amount == decided * shares[0] / 100
        assert first.amount + balance.amount == project.amount_granted
        [payment] = project.payments.all()
        assert (payment.instalment, payment.amount) == (first, first.amount)
        assert payment.reference == facts["payment_reference"] and not payment.override_reason


def test_one_project_is_extended_and_one_gives_money_back(demo):
    by_lead = projects()
    [extension] = Amendment.objects.filter(kind=AmendmentKind.EXTENSION)
    [give_back] = Amendment.objects.filter(kind=AmendmentKind.GIVE_BACK)

    extended = by_lead[next(f["lead"] for f in STORY["projects"] if "extension" in f)]
    assert extension.project == extended and extension.state == AmendmentState.ACCEPTED
    assert extension.asked_by == extended.application.lead
    assert extension.decided_by.email == "gestion@example.org" and extension.decision_reason

    giving = by_lead[next(f["lead"] for f in STORY["projects"] if "give_back" in f)]
    assert give_back.project == giving and give_back.state == AmendmentState.ACCEPTED
    assert give_back.amount == Decimal("25400.00")
    # The decision and the project are granted less; the unpaid balance is lowered, so that the
    # schedule adds up to what is left.
    assert giving.amount_granted == giving.decision.amount_granted == Decimal("33000.00")
    assert giving.decision.proposed_amount - giving.amount_granted == give_back.amount
    amounts = [instalment.amount for instalment in giving.instalments.order_by("position")]
    assert amounts == [Decimal("29200.00"), Decimal("3800.00")]


def test_the_money_given_back_funds_the_first_reserve_application(demo):
    promoted = Decision.objects.get(application__lead__email="porteur@example.org")
    assert promoted.proposed_outcome == Outcome.RESERVE and promoted.outcome == Outcome.FUNDED
    assert promoted.amount_granted == Decimal("52800.00")
    assert promoted.motivation == STORY["promotion"]["motivation"]
    # Its funding letter is sent, so its project exists, its agreement to prepare.
    assert list(
        Letter.objects.filter(decision=promoted).order_by("sent_at").values_list("outcome")
    ) == [(Outcome.RESERVE,), (Outcome.FUNDED,)]
    project = Project.objects.get(decision=promoted)
    assert project.state == ProjectState.AGREEMENT_PREPARATION
    assert project.amount_granted == promoted.amount_granted
    assert "Projects: 5 from aap-numerisation-enrichie-2026, 4 agreements signed" in demo
    assert "amendments accepted: extension, give_back" in demo


def test_staff_and_leads_see_the_projects(client, demo):
    from accounts.models import User

    by_lead = projects()
    client.force_login(User.objects.get(email="gestion@example.org"))
    listed = visible_text(client.get(reverse("projects:list")))
    for project in by_lead.values():
        assert project.application.reference in listed

    extended = by_lead["marc.schneider@example.org"]
    client.force_login(extended.application.lead)
    page = text_of(client.get(reverse("projects:project", args=[extended.pk])))
    assert "Université de Strasbourg" in page
    assert extended.application.title in page


def test_a_second_run_changes_nothing(demo):
    def counts():
        return [
            model.objects.count()
            for model in (
                Project,
                AgreementVersion,
                Signature,
                Instalment,
                Payment,
                Amendment,
                Letter,
                ApplicationEvent,
                ProjectReport,
                ReportSubmission,
                Deliverable,
            )
        ]

    first = counts()

    call_command("load_demo", stdout=StringIO())

    assert counts() == first
    assert first[:6] == [5, 6, 12, 8, 4, 2]
    # Four reports for each of the five projects; two plans submitted; three deliverables.
    assert first[-3:] == [20, 2, 3]


def dmp(project):
    return project.reports.get(kind="dmp")


def test_each_project_owes_the_calls_reports_from_its_start(demo):
    by_lead = projects()
    for project in by_lead.values():
        owed = list(project.reports.order_by("due_on", "pk").values_list("kind", flat=True))
        assert sorted(owed) == ["dmp", "final_financial", "final_scientific", "interim"]
    signed = by_lead["porteuse@example.org"]
    assert dmp(signed).due_on == add_months(signed.start_date, 6)
    # The final reports count from the end: the extended project's come six months later.
    extended = by_lead["marc.schneider@example.org"]
    final = extended.reports.get(kind="final_scientific")
    assert final.due_on == add_months(extended.end_date, 2)
    assert final.due_on == add_months(signed.reports.get(kind="final_scientific").due_on, 6)
    # The balance of each schedule waits for its project's final scientific report.
    for project in by_lead.values():
        balance = project.instalments.filter(condition=Condition.REPORT_ACCEPTED).first()
        if balance is not None:
            assert balance.report == project.reports.get(kind="final_scientific")


def test_plans_accepted_sent_back_and_drafted(demo):
    by_lead = projects()
    accepted = dmp(by_lead["louise.girard@example.org"])
    assert accepted.state == ReportState.ACCEPTED
    assert accepted.submissions.count() == 1
    sent_back = dmp(by_lead["yasmina.haddad@example.org"])
    assert sent_back.state == ReportState.CHANGES_REQUESTED
    assert len(sent_back.changes_on) == 1 and sent_back.due_set_by_staff
    draft = dmp(by_lead["porteuse@example.org"])
    assert draft.state == ReportState.DRAFT and len(draft.answers) == 1


def test_deliverables_with_their_identifiers_on_the_public_page(client, demo):
    extended = projects()["marc.schneider@example.org"]
    schemes = sorted(extended.deliverables.values_list("identifier_scheme", flat=True))
    assert schemes == ["hal", "swhid"]
    page = text_of(client.get(reverse("opendata:project", args=[extended.application.reference])))
    assert "Géoréférenceur de cartes anciennes" in page


def test_the_lead_sees_her_plan_to_write(client, demo):
    from accounts.models import User

    client.force_login(User.objects.get(email="porteuse@example.org"))
    page = text_of(client.get(reverse("applications:mine")))
    assert "Plan de gestion des données (PGD) initial" in page
