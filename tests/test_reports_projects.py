"""The funded projects' indicators for the governing bodies (issue 18): projects by state, reports
late, money granted, paid and still to pay, deliverables by kind; read back from the funded
projects report and the programme and year report as a council member reads them (pdftotext),
in French; asked for on the programme reports page; a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calls.models import DeliverableKind, ReportKind
from notifications.models import Message
from projects.models import Instalment, Payment, ProjectState, ReportState
from reports.governance import build_document
from reports.governance.project_indicators import (
    funded_projects,
    project_indicators,
    project_rows,
)
from reports.governance.projects_report import calls_of
from reports.models import Report

from .factories import (
    CallFactory,
    DeliverableFactory,
    InstitutionFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectReportFactory,
)
from .test_report_registry import pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - dt.timedelta(days=10)
FUTURE = TODAY + dt.timedelta(days=30)


def closing_in(year, programme):
    return CallFactory(
        programme=programme,
        opens_at=dt.datetime(year, 1, 10, 9, tzinfo=dt.UTC),
        closes_at=dt.datetime(year, 3, 31, 15, tzinfo=dt.UTC),
    )


def paid(project, *amounts):
    instalment = Instalment.objects.create(
        project=project,
        position=1,
        label="À la signature",
        amount=project.amount_granted,
        planned_on=PAST,
    )
    for number, amount in enumerate(amounts, start=1):
        Payment.objects.create(
            project=project,
            instalment=instalment,
            paid_on=PAST,
            amount=Decimal(amount),
            reference=f"MDT-{project.pk}-{number}",
        )


@pytest.fixture
def network():
    """Six projects: four of a 2026 call of "Numérisation enrichie", one of a 2025 call of
    "Archives scientifiques", one of a cross-programme 2026 call."""
    digitisation = ProgrammeFactory(
        code="numerisation", title_fr="Numérisation enrichie", position=1
    )
    archives = ProgrammeFactory(code="archives", title_fr="Archives scientifiques", position=2)
    call = closing_in(2026, digitisation)
    old_call = closing_in(2025, archives)
    cross = closing_in(2026, None)
    lille = InstitutionFactory(name="Université de Lille", acronym="")

    def project(call, state, amount, title, carrier=lille):
        return ProjectFactory(
            call=call, state=state, amount_granted=Decimal(amount), title=title, carrier=carrier
        )

    running = project(call, ProjectState.RUNNING, "20000", "Herbiers numérisés")
    closed = project(call, ProjectState.CLOSED, "10000", "Cartes anciennes")
    project(call, ProjectState.AGREEMENT_PREPARATION, "12000", "Papyrus", None)
    terminated = project(call, ProjectState.TERMINATED, "6000", "Autochromes")
    archived = project(old_call, ProjectState.RUNNING, "15000", "Carnets de terrain")
    suspended = project(cross, ProjectState.SUSPENDED, "9000", "Fonds sonores")
    paid(running, "5000")
    paid(closed, "5000", "3000")  # closed at 8 000: the rest is free again
    paid(terminated, "1000")
    paid(archived, "7500")

    def report(project, kind, due_on, state=ReportState.DRAFT):
        return ProjectReportFactory(project=project, kind=kind, due_on=due_on, state=state)

    report(running, ReportKind.INTERIM, PAST)  # late
    report(running, ReportKind.DATA_MANAGEMENT_PLAN, PAST, ReportState.CHANGES_REQUESTED)  # late
    report(running, ReportKind.FINAL_SCIENTIFIC, FUTURE)  # not yet due
    report(running, ReportKind.INTERIM, PAST, ReportState.SUBMITTED)  # sent
    report(running, ReportKind.FINAL_FINANCIAL, TODAY)  # due today: not late
    report(terminated, ReportKind.INTERIM, PAST)  # its project ended: never coming
    report(archived, ReportKind.FINAL_FINANCIAL, PAST)  # late
    report(suspended, ReportKind.DATA_MANAGEMENT_PLAN, PAST, ReportState.ACCEPTED)

    DeliverableFactory(project=running, kind=DeliverableKind.DATASET)
    DeliverableFactory(project=running, kind=DeliverableKind.SOFTWARE, is_public=False)
    DeliverableFactory(project=closed, kind=DeliverableKind.PUBLICATION)
    DeliverableFactory(project=closed, kind=DeliverableKind.DATASET)
    DeliverableFactory(project=archived, kind=DeliverableKind.CORPUS)
    return {"digitisation": digitisation, "archives": archives, "call": call}


def counts(lines, attribute):
    return [(str(line.label), getattr(line, attribute)) for line in lines]


def test_the_indicators_of_every_project(network):
    indicators = project_indicators(funded_projects())

    assert [(line.state, line.projects) for line in indicators.states] == [
        ("agreement_preparation", 1),
        ("agreement_signed", 0),
        ("running", 2),
        ("closing", 0),
        ("closed", 1),
        ("suspended", 1),
        ("terminated", 1),
    ]
    total = indicators.total
    assert total.projects == 6
    assert total.granted == Decimal("72000.00")
    assert total.paid == Decimal("21500.00")
    # Committed: the grants of the projects not ended (56 000) and what the ended ones were
    # paid (8 000 + 1 000); still to pay: that less what was paid.
    assert total.to_pay == Decimal("43500.00")
    closed = indicators.states[4]
    assert (closed.granted, closed.paid, closed.to_pay) == (
        Decimal("10000.00"),
        Decimal("8000.00"),
        Decimal("0.00"),
    )
    assert [(line.kind, line.count) for line in indicators.late_reports] == [
        ("dmp", 1),
        ("interim", 1),
        ("final_scientific", 0),
        ("final_financial", 1),
    ]
    assert indicators.late_count == 3
    assert [(line.kind, line.count, line.public) for line in indicators.deliverables] == [
        ("dataset", 2, 2),
        ("corpus", 1, 1),
        ("software", 1, 0),
        ("publication", 1, 1),
        ("tool", 0, 0),
        ("other", 0, 0),
    ]
    assert (indicators.deliverable_count, indicators.public_deliverable_count) == (5, 4)


def test_the_indicators_of_a_programmes_year(network):
    projects = funded_projects(calls_of(network["digitisation"], 2026))
    indicators = project_indicators(projects)

    assert indicators.total.projects == 4
    assert indicators.total.granted == Decimal("48000.00")
    assert indicators.total.paid == Decimal("14000.00")
    assert indicators.total.to_pay == Decimal("27000.00")  # 32 000 committed running, 9 000 ended
    assert indicators.late_count == 2
    assert (indicators.deliverable_count, indicators.public_deliverable_count) == (4, 3)
    # Another year of the programme, or every year of another one.
    assert (
        project_indicators(funded_projects(calls_of(network["digitisation"], 2025))).total.projects
        == 0
    )
    archives = project_indicators(funded_projects(calls_of(network["archives"], None)))
    assert (archives.total.projects, archives.late_count) == (1, 1)
    # Every programme of 2026: the cross-programme call's project too.
    assert project_indicators(funded_projects(calls_of(None, 2026))).total.projects == 5


def test_the_table_of_projects_is_ordered_by_programme_then_reference(network):
    rows = project_rows(funded_projects())

    assert [row.decision.application.title for row in rows] == [
        "Herbiers numérisés",
        "Cartes anciennes",
        "Papyrus",
        "Autochromes",
        "Carnets de terrain",
        "Fonds sonores",  # cross-programme, last
    ]
    running = rows[0]
    assert (running.paid, running.late_reports, running.deliverable_count) == (
        Decimal("5000.00"),
        2,
        2,
    )
    assert (rows[3].late_reports, rows[2].paid) == (0, Decimal("0.00"))


def test_the_funded_projects_report_in_french(network):
    document = build_document("projects", language="fr")

    text = pdf_text(document.pdf)
    assert "Rapport des projets financés" in text
    assert "Tous les programmes – toutes les années" in text
    assert "Projets financés 6" in text
    assert "Accordé aux projets 72 000,00 €" in text
    assert "Payé 21 500,00 €" in text
    assert "Reste à payer 43 500,00 €" in text
    assert "Rapports en retard 3" in text
    assert "Livrables déclarés 5" in text
    assert "dont publics 4" in text
    # The lines of the tables, every state and kind, zero included.
    assert "En cours 2 35 000,00 € 12 500,00 € 22 500,00 €" in text
    assert "Clos 1 10 000,00 € 8 000,00 € 0,00 €" in text
    assert "Convention signée 0" in text
    assert "Plan de gestion des données 1" in text
    assert "Rapport scientifique final 0" in text
    assert "État récapitulatif des dépenses final 1" in text
    assert "Jeu de données 2 2" in text
    assert "Logiciel 1 0" in text
    assert "Outil ou service 0 0" in text
    # The table of projects, by programme.
    assert text.index("Numérisation enrichie") < text.index("Archives scientifiques")
    reference = network["call"].applications.get(title="Herbiers numérisés").reference
    assert (
        f"{reference} Herbiers numérisés Université de Lille En cours 20 000,00 € 5 000,00 € 2 2"
        in text
    )
    assert "Transversal" in text
    assert document.pages >= 4


def test_the_report_of_a_programmes_year_keeps_to_its_projects(network):
    document = build_document(
        "projects", programme=network["digitisation"], year=2026, language="fr"
    )

    text = pdf_text(document.pdf)
    assert "Numérisation enrichie – 2026" in text
    assert "Projets financés 4" in text
    assert "Reste à payer 27 000,00 €" in text
    assert "Carnets de terrain" not in text and "Fonds sonores" not in text


def test_the_programme_report_shows_its_funded_projects(network):
    document = build_document(
        "programme", programme=network["digitisation"], year=2026, language="fr"
    )

    text = pdf_text(document.pdf)
    assert "Projets financés 4" in text
    assert "Rapports en retard 2" in text
    assert "Résilié 1 6 000,00 € 1 000,00 € 0,00 €" in text
    assert "Livrables déclarés 4" in text
    assert "Projets financés par état" in text  # the charts' titles
    assert "Livrables déclarés par type, dont publics" in text


@pytest.mark.usefixtures("in_english")
def test_the_charts_say_their_figures(network):
    indicators = project_indicators(funded_projects())
    states = indicators.charts["states"]
    assert [row.label for row in states.rows] == [state.label for state in ProjectState]
    assert "Running: projects 2" in states.description
    assert "Dataset: declared 2, of which public 2" in indicators.charts["deliverables"].description


@pytest.mark.parametrize("count", [2, 8])
def test_the_indicators_cost_the_same_queries_at_any_size(count, django_assert_num_queries):
    call = CallFactory(closed=True)
    for _n in range(count):
        project = ProjectFactory(call=call, state=ProjectState.RUNNING)
        paid(project, "100")
        ProjectReportFactory(project=project, due_on=PAST)
        DeliverableFactory(project=project)
    projects = funded_projects(calls_of(call.programme, None))

    with django_assert_num_queries(5):
        indicators = project_indicators(projects)
    with django_assert_num_queries(1):
        rows = project_rows(projects)
    with django_assert_num_queries(0):
        [(row.decision.application.reference, str(row.carrier), row.paid) for row in rows]
    assert indicators.total.projects == count == len(rows)
    assert indicators.late_count == count


@pytest.mark.parametrize("count", [2, 8])
def test_the_report_costs_the_same_queries_at_any_size(count, django_assert_num_queries):
    call = CallFactory(closed=True)
    for _n in range(count):
        DeliverableFactory(project=ProjectFactory(call=call, state=ProjectState.RUNNING))
    with django_assert_num_queries(7):
        build_document("projects", programme=call.programme)


def test_staff_ask_for_the_report_of_every_year(
    client, network, programme_manager, django_capture_on_commit_callbacks
):
    client.force_login(programme_manager)
    url = reverse("reports:programme_reports")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "projects", "year": "", "language": "fr"})

    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.kind, report.programme, report.year) == ("projects", None, None)
    assert report.download_name().startswith("rapport-projets-tous-fr-")
    assert "Projets financés 6" in pdf_text(report.file.read())
    [message] = Message.objects.filter(user=programme_manager, event="report_ready")
    assert "Rapport des projets financés prêt" in message.subject, message.subject
    assert "Rapport des projets financés, tous les programmes, toutes les années." in message.text
    assert reverse("reports:download", args=[report.pk]) in client.get(url).content.decode()


def test_the_programme_report_still_needs_a_year(client, network, programme_manager):
    client.force_login(programme_manager)
    response = client.post(
        reverse("reports:programme_reports"),
        {"kind": "programme", "year": "", "language": "fr"},
    )
    assert response.status_code == 400
    assert "Choisissez une année pour ce rapport." in response.content.decode()
    assert not Report.objects.exists()


def test_the_command_builds_it_for_every_year_or_one(network, tmp_path, capsys):
    every = tmp_path / "projets.pdf"
    call_command("governance_report", "projects", "all", out=str(every))
    one = tmp_path / "projets-numerisation-2026.pdf"
    call_command("governance_report", "projects", "numerisation", year=2026, out=str(one))

    assert "Projets financés 6" in pdf_text(every.read_bytes())
    assert "Projets financés 4" in pdf_text(one.read_bytes())


def test_council_members_ask_for_it_and_read_it_applicants_do_not_learn_it_exists(
    client,
    network,
    council_member,
    programme_manager,
    applicant,
    django_capture_on_commit_callbacks,
):
    client.force_login(council_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:programme_reports"),
            {"kind": "projects", "programme": network["archives"].pk, "year": "", "language": "fr"},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.subject == "Archives scientifiques – toutes les années"
    pages = [
        reverse("reports:progress", args=[report.pk]),
        reverse("reports:download", args=[report.pk]),
    ]
    for user, status in [(council_member, 200), (programme_manager, 200), (applicant, 404)]:
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == [status, status], user
    client.force_login(applicant)
    response = client.post(
        reverse("reports:programme_reports"), {"kind": "projects", "language": "fr"}
    )
    assert response.status_code == 404
    assert Report.objects.count() == 1
