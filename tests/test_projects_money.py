"""The money of funded projects at a glance (issue 17): committed, paid and still to pay on the
budgets page and in the programme and year report (read back with pdftotext); the payments
export for the accounting office (CSV and XLSX, formulas made inert, filters, staff only); late
signatures and overdue instalments; each list's query count at two sizes."""

import csv
import datetime as dt
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from decisions.letters import send_letter
from decisions.models import Decision, Envelope
from projects import exports, payments, services
from projects.models import AgreementVersion, Condition, Payment, Project
from reports.governance import build_document

from .factories import (
    CallFactory,
    InstitutionFactory,
    ProgrammeFactory,
    decided_application,
)
from .reading import flat, visible_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def programme():
    return ProgrammeFactory(code="numerisation", title_fr="Numérisation", title_en="Digitisation")


@pytest.fixture
def call(programme):
    return CallFactory(
        closed=True, programme=programme, title_fr="Appel Patrimoine", title_en="Heritage call"
    )


def project_in(call, staff, amount="10000.00", title="Corpus des thèses"):
    application = decided_application(call, amount=Decimal(amount), application={"title": title})
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


def schedule(project, staff, *rows):
    """Instalments (label, amount, planned date), no condition."""
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": label,
                "share": None,
                "amount": Decimal(amount),
                "planned_on": planned_on,
                "condition": Condition.NONE,
            }
            for label, amount, planned_on in rows
        ],
        staff,
    )
    return list(project.instalments.all())


def pay(instalment, staff, amount, reference, **kwargs):
    return payments.record_payment(
        instalment,
        paid_on=kwargs.pop("paid_on", TODAY),
        amount=Decimal(amount),
        reference=reference,
        actor=staff,
        **kwargs,
    )


def give_back(project, amount):
    """What an accepted give-back leaves (projects.amendments): the project's and the
    decision's amounts granted lowered."""
    Project.objects.filter(pk=project.pk).update(amount_granted=project.amount_granted - amount)
    Decision.objects.filter(pk=project.decision_id).update(
        amount_granted=project.amount_granted - amount
    )


def paid_and_given_back(call, staff):
    """Three projects of 10,000: one paid 7,000, one that gave 2,000 back, one untouched:
    committed 28,000, paid 7,000, still to pay 21,000."""
    first = project_in(call, staff, title="Premier")
    second = project_in(call, staff, title="Deuxième")
    project_in(call, staff, title="Troisième")
    [advance, _rest] = schedule(
        first, staff, ("Avance", "7000", TODAY), ("Solde", "3000", TODAY + dt.timedelta(days=300))
    )
    pay(advance, staff, "7000", "MDT-1")
    give_back(second, Decimal("2000.00"))
    return first, second


# The budgets page


def budgets_page(client, call):
    year = timezone.localtime(call.closes_at).year
    return client.get(reverse("decisions:budgets"), {"year": year})


def test_the_budgets_page_shows_committed_paid_and_still_to_pay(
    client, council_member, programme_manager, call, programme
):
    Envelope.objects.create(
        programme=programme, year=timezone.localtime(call.closes_at).year, amount=100000
    )
    paid_and_given_back(call, programme_manager)
    client.force_login(council_member)

    page = budgets_page(client, call)

    assert "Engagé Payé Reste à payer" in visible_text(page)
    html = page.content.decode()
    for table in ("programme-budgets", "call-budgets"):
        row = html[html.index(table) :]
        row = row[row.index('class="text-end committed"') :]
        assert row.startswith('class="text-end committed">28\u00a0000\u00a0€')
        assert 'class="text-end paid">7\u00a0000\u00a0€' in row
        assert 'class="text-end to-pay">21\u00a0000\u00a0€' in row


@pytest.mark.parametrize("count", [2, 6])
def test_the_budgets_page_costs_the_same_whatever_the_payments(
    client, council_member, programme_manager, call, django_assert_num_queries, count
):
    for number in range(count):
        project = project_in(call, programme_manager, title=f"Projet {number}")
        [instalment] = schedule(project, programme_manager, ("Tout", "10000", TODAY))
        pay(instalment, programme_manager, "2500", f"MDT-{number}")
    client.force_login(council_member)
    budgets_page(client, call)  # the session and the permissions cached
    with django_assert_num_queries(17):
        page = budgets_page(client, call)
    paid = f"{2500 * count:,}".replace(",", "\u00a0")
    assert f'class="text-end paid">{paid}\u00a0€' in page.content.decode()


# The programme and year report


def pdftotext(pdf):
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return flat(done.stdout.decode())


def test_the_programme_report_states_committed_paid_and_still_to_pay(
    programme_manager, call, programme
):
    paid_and_given_back(call, programme_manager)
    year = timezone.localtime(call.closes_at).year

    document = build_document("programme", programme=programme, year=year, language="fr")

    text = pdftotext(document.pdf)
    assert "Engagé pour les projets financés 28 000,00 €" in text
    assert "Payé 7 000,00 €" in text
    assert "Reste à payer 21 000,00 €" in text
    assert "Sommes engagées et payées" in text
    # By call: granted 28,000 (the give-back lowered the decision too), committed, paid, to pay.
    assert "Appel Patrimoine 28 000,00 € 28 000,00 € 7 000,00 € 21 000,00 €" in text
    assert "Numérisation 28 000,00 € 28 000,00 € 7 000,00 € 21 000,00 €" in text


def test_an_ended_project_commits_what_it_was_paid_and_frees_the_rest(
    client, council_member, programme_manager, call, programme
):
    year = timezone.localtime(call.closes_at).year
    Envelope.objects.create(programme=programme, year=year, amount=100000)
    first, _second = paid_and_given_back(call, programme_manager)
    services.terminate_project(first, programme_manager, "Le porteur est parti.")
    # The terminated project paid 7,000 of its 10,000: 3,000 are no longer to pay.
    client.force_login(council_member)
    html = budgets_page(client, call).content.decode()
    for table in ("programme-budgets", "call-budgets"):
        row = html[html.index(table) :]
        row = row[row.index('class="text-end committed"') :]
        assert row.startswith('class="text-end committed">25\u00a0000\u00a0€')
        assert 'class="text-end paid">7\u00a0000\u00a0€' in row
        assert 'class="text-end to-pay">18\u00a0000\u00a0€' in row
    document = build_document("programme", programme=programme, year=year, language="fr")
    text = pdftotext(document.pdf)
    assert "Engagé pour les projets financés 25 000,00 €" in text
    assert "Reste à payer 18 000,00 €" in text
    assert "Appel Patrimoine 28 000,00 € 25 000,00 € 7 000,00 € 18 000,00 €" in text


# The payments export


def export(client, fmt, **filters):
    return client.get(reverse("projects:export_payments", args=[fmt]), filters)


def rows_of_csv(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


@pytest.fixture
def paid(call, programme_manager):
    """A project carried by an institution with its ROR, paid twice, once with an override
    whose reason looks like a formula."""
    carrier = InstitutionFactory(name="Université de Lyon", acronym="UdL", ror="01rk35k63")
    project = project_in(call, programme_manager, amount="58400.01", title="Corpus")
    Project.objects.filter(pk=project.pk).update(carrier=carrier)
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": "À la signature",
                "share": None,
                "amount": Decimal("40880.01"),
                "planned_on": dt.date(2026, 3, 16),
                "condition": Condition.NONE,
            },
            {
                "instalment": None,
                "label": "Rapport final",
                "share": None,
                "amount": Decimal("17520.00"),
                "planned_on": dt.date(2027, 9, 1),
                "condition": Condition.REPORT_ACCEPTED,
            },
        ],
        programme_manager,
    )
    first, last = project.instalments.all()
    pay(first, programme_manager, "40880.01", "MDT-2026-0001", paid_on=dt.date(2026, 4, 2))
    pay(
        last,
        programme_manager,
        "1000",
        "MDT-2027-0002",
        paid_on=dt.date(2027, 1, 5),
        override_reason='=HYPERLINK("http://evil.example")',
    )
    return project


def test_the_csv_export_holds_every_payment_for_excel_in_french(client, programme_manager, paid):
    client.force_login(programme_manager)

    response = export(client, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="paiements-')
    header, first, second = rows_of_csv(response)
    assert header[:3] == ["Projet", "Appel", "Programme"]
    assert "ROR du porteur" in header and "Référence comptable" in header
    assert first == [
        paid.application.reference,
        "Appel Patrimoine",
        "Numérisation",
        "Université de Lyon (UdL)",
        "01rk35k63",
        "À la signature",
        "2026-03-16",
        "2026-04-02",
        "40880.01",
        "MDT-2026-0001",
        programme_manager.get_full_name(),
        "",
    ]
    assert second[7:10] == ["2027-01-05", "1000.00", "MDT-2027-0002"]
    assert second[-1] == '\'=HYPERLINK("http://evil.example")'  # never a formula


def test_the_export_names_the_carrier_paid_not_the_one_after_a_change(
    client, programme_manager, paid
):
    # The second payment was recorded before payments kept their carrier.
    Payment.objects.filter(reference="MDT-2027-0002").update(carrier=None)
    later = InstitutionFactory(name="Université de Grenoble", acronym="UGA", ror="02rx3b187")
    Project.objects.filter(pk=paid.pk).update(carrier=later)
    client.force_login(programme_manager)

    _header, first, second = rows_of_csv(export(client, "csv"))

    assert first[3:5] == ["Université de Lyon (UdL)", "01rk35k63"]
    assert second[3:5] == ["Université de Grenoble (UGA)", "02rx3b187"]


def test_the_xlsx_export_keeps_numbers_as_numbers_and_text_as_text(client, programme_manager, paid):
    client.force_login(programme_manager)

    response = export(client, "xlsx", year=2027)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the payment of 2027 only
    payment = rows[1]
    assert payment[8] == 1000 and payment[7] == dt.datetime(2027, 1, 5)
    assert payment[-1] == '=HYPERLINK("http://evil.example")'
    assert sheet.cell(row=2, column=12).data_type == "s"  # a text, never a formula


def test_the_export_filters_by_programme_and_ignores_a_wrong_year(client, programme_manager, paid):
    other = project_in(CallFactory(closed=True), programme_manager, title="Ailleurs")
    [instalment] = schedule(other, programme_manager, ("Tout", "10000", TODAY))
    pay(instalment, programme_manager, "10000", "MDT-X")
    client.force_login(programme_manager)

    by_programme = rows_of_csv(export(client, "csv", programme=paid.application.call.programme_id))
    everything = rows_of_csv(export(client, "csv", year="deux mille"))

    assert [row[0] for row in by_programme[1:]] == [paid.application.reference] * 2
    assert len(everything) == 4


def test_the_export_page_offers_the_years_paid_and_both_formats(client, programme_manager, paid):
    client.force_login(programme_manager)
    text = visible_text(client.get(reverse("projects:payments")))
    assert "Paiements pour l’agence comptable" in text
    assert "2027 2026" in text
    assert "Exporter en XLSX" in text and "Exporter en CSV" in text
    listing = visible_text(client.get(reverse("projects:list")))
    assert "Exporter les paiements pour l’agence comptable" in listing


@pytest.mark.parametrize("count", [2, 6])
def test_the_export_costs_the_same_whatever_the_payments(
    client, programme_manager, call, django_assert_num_queries, count
):
    for number in range(count):
        project = project_in(call, programme_manager, title=f"Projet {number}")
        [instalment] = schedule(project, programme_manager, ("Tout", "10000", TODAY))
        pay(instalment, programme_manager, "2500", f"MDT-{number}")
    client.force_login(programme_manager)
    export(client, "csv")  # the session and the permissions cached
    with django_assert_num_queries(6):
        response = export(client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == count + 1
    assert len(list(exports.payments_rows({}))) == count


@pytest.mark.parametrize("persona", ["applicant", "council_member", "reviewer"])
def test_only_programme_staff_export_or_read_what_is_late(client, request, persona, paid):
    user = request.getfixturevalue(persona)
    if persona == "applicant":
        user = paid.application.lead
    client.force_login(user)
    for url in (
        reverse("projects:payments"),
        reverse("projects:export_payments", args=["csv"]),
        reverse("projects:late"),
    ):
        assert client.get(url).status_code == 404


def test_an_unknown_format_is_not_found(client, programme_manager):
    client.force_login(programme_manager)
    assert export(client, "pdf").status_code == 404


# What is late


def version_of(project, staff, days_ago, number=1, signed=False):
    version = AgreementVersion.objects.create(
        project=project,
        number=number,
        language="fr",
        title="Convention",
        body="…",
        pdf=f"projects/{project.pk}/agreement-{number}.pdf",
        sha256="0" * 64,
        created_by=staff,
        signed_at=timezone.now() if signed else None,
    )
    AgreementVersion.objects.filter(pk=version.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return version


def begun(project, days_ago):
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_late_signatures_are_listed_with_their_days(client, programme_manager, call):
    days = settings.AGREEMENT_REMINDER_DAYS
    unsigned = project_in(call, programme_manager, title="Non signé")
    version_of(unsigned, programme_manager, days + 4)
    without = project_in(call, programme_manager, title="Sans version")
    begun(without, days + 10)
    recent = project_in(call, programme_manager, title="Récent")
    version_of(recent, programme_manager, days + 20)
    version_of(recent, programme_manager, 2, number=2)  # the latest is recent: not late
    signed = project_in(call, programme_manager, title="Signé")
    version_of(signed, programme_manager, days + 20, signed=True)
    fresh = project_in(call, programme_manager, title="Frais")  # no version, letter just sent
    assert fresh.pk
    client.force_login(programme_manager)

    page = client.get(reverse("projects:late"))

    html = page.content.decode()
    assert html.count('class="late-agreement"') == 2
    text = visible_text(page)
    section = text[text.index("Conventions non signées") : text.index("Échéances en retard")]
    assert "Sans version" in section and "Non signé" in section
    assert section.index("Sans version") < section.index("Non signé")  # the longest first
    assert "aucune pour l’instant" in section and "version 1" in section
    assert f" {days + 10} " in section and f" {days + 4} " in section
    assert "Récent" not in section and "Signé " not in section and "Frais" not in section


def test_overdue_instalments_are_listed_with_what_is_unpaid(client, programme_manager, call):
    project = project_in(call, programme_manager, title="Retards")
    past, partly, paid_up, coming = schedule(
        project,
        programme_manager,
        ("Première", "4000", TODAY - dt.timedelta(days=10)),
        ("Deuxième", "3000", TODAY - dt.timedelta(days=3)),
        ("Troisième", "1000", TODAY - dt.timedelta(days=40)),
        ("Solde", "2000", TODAY + dt.timedelta(days=30)),
    )
    pay(partly, programme_manager, "1000", "MDT-1")
    pay(paid_up, programme_manager, "1000", "MDT-2")
    client.force_login(programme_manager)

    page = client.get(reverse("projects:late"))

    assert page.content.decode().count('class="overdue-instalment"') == 2
    text = flat(visible_text(page))
    assert "Première" in text and "Deuxième" in text
    assert "Troisième" not in text and "Solde" not in text
    assert "10 4 000 €" in text.replace("\u202f", " ")  # days late, unpaid
    assert "3 2 000 €" in text.replace("\u202f", " ")


@pytest.mark.parametrize("count", [2, 6])
def test_the_late_page_costs_the_same_whatever_its_length(
    client, programme_manager, call, django_assert_num_queries, count
):
    for number in range(count):
        project = project_in(call, programme_manager, title=f"Projet {number}")
        version_of(project, programme_manager, settings.AGREEMENT_REMINDER_DAYS + number + 1)
        schedule(project, programme_manager, ("Tout", "10000", TODAY - dt.timedelta(days=5)))
    client.force_login(programme_manager)
    client.get(reverse("projects:late"))  # the session and the permissions cached
    with django_assert_num_queries(9):
        page = client.get(reverse("projects:late"))
    html = page.content.decode()
    assert html.count('class="late-agreement"') == count
    assert html.count('class="overdue-instalment"') == count
