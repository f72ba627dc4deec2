"""Amendments of a funded project (issue 17): each kind checks its own fields, staff accept or
refuse with a reason and only once, an accepted amendment changes the project (end date,
carrier, money), money given back lowers the decision's grant, returns to the call's envelope
and brings the reserve application forward, the schedule still adds up to the cent; the
section of the project page per persona, its forms, its attachment and its query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from applications.models import AuditSubject
from decisions import budget
from decisions.letters import send_letter
from decisions.services import promotion_candidate
from notifications.events import Event
from notifications.models import Message
from projects import payments, services
from projects.amendments import (
    ATTACHMENT_LIMIT,
    AmendmentError,
    accept_amendment,
    ask_amendment,
    refuse_amendment,
)
from projects.models import (
    AmendmentKind,
    AmendmentState,
    Condition,
    Payment,
    Project,
    ProjectState,
)

from .factories import (
    CallFactory,
    EnvelopeFactory,
    InstitutionFactory,
    decided_application,
    joined_member,
)
from .reading import visible_text
from .test_reauthentication import time_passes

SIGNED = dt.date(2026, 3, 16)
# The services' messages are read in English; the pages in French, as people see them.
english = pytest.mark.usefixtures("in_english")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def funded_project(staff, call=None, amount=Decimal("20000.00"), title="Corpus des thèses"):
    application = decided_application(
        call or CallFactory(closed=True), amount=amount, application={"title": title}
    )
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


def signed(project, staff):
    """The project with its carrier and its agreement signed, as amendments find it."""
    services.set_carrier(
        project,
        staff,
        carrier=InstitutionFactory(name="Université de Strasbourg"),
        finance_contact_name="",
        finance_contact_email="",
    )
    return services.sign_agreement(
        project, staff, signed_on=SIGNED, start_date=dt.date(2026, 4, 1), duration_months=24
    )


@pytest.fixture
def project(programme_manager):
    return signed(funded_project(programme_manager), programme_manager)


def ask(project, actor, kind, justification="Le calendrier a glissé.", **fields):
    return ask_amendment(project, actor, kind=kind, justification=justification, **fields)


def problems_of(call, *args, **kwargs):
    with pytest.raises(AmendmentError) as refused:
        call(*args, **kwargs)
    return refused.value.problems


def schedule(project, staff, *amounts):
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": f"Tranche {number}",
                "share": None,
                "amount": Decimal(amount),
                "planned_on": SIGNED,
                "condition": Condition.NONE,
            }
            for number, amount in enumerate(amounts, start=1)
        ],
        staff,
    )
    return list(project.instalments.all())


def pay(instalment, staff, amount, reference="MDT-1"):
    return payments.record_payment(
        instalment, paid_on=SIGNED, amount=Decimal(amount), reference=reference, actor=staff
    )


# Each kind checks its fields


@english
def test_an_extension_adds_1_to_24_months(project):
    lead = project.application.lead
    for months in (None, 0, 25):
        problems = problems_of(ask, project, lead, AmendmentKind.EXTENSION, extension_months=months)
        assert list(problems) == ["extension_months"]
    amendment = ask(project, lead, AmendmentKind.EXTENSION, extension_months=6)
    assert (amendment.state, amendment.extension_months) == (AmendmentState.ASKED, 6)


@english
def test_a_justification_is_required(project):
    problems = problems_of(
        ask, project, project.application.lead, AmendmentKind.EXTENSION, "  ", extension_months=6
    )
    assert problems == {"justification": ["Say why the project needs this amendment."]}


@english
def test_a_give_back_is_more_than_0_and_at_most_what_remains_to_pay(project, programme_manager):
    lead = project.application.lead
    first, _second = schedule(project, programme_manager, "14000.00", "6000.00")
    pay(first, programme_manager, "14000.00")
    for amount in (None, Decimal("0"), Decimal("-5")):
        assert "amount" in problems_of(ask, project, lead, AmendmentKind.GIVE_BACK, amount=amount)
    over = problems_of(ask, project, lead, AmendmentKind.GIVE_BACK, amount=Decimal("6000.01"))
    assert over["amount"][0].startswith("At most €6,000.00 can be given back")
    assert ask(project, lead, AmendmentKind.GIVE_BACK, amount=Decimal("6000.00")).amount == Decimal(
        "6000.00"
    )


@english
def test_giving_back_the_whole_grant_is_a_withdrawal_not_an_amendment(project):
    problems = problems_of(
        ask, project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("20000")
    )
    assert "withdrawal of the funding" in problems["amount"][0]


@english
def test_a_carrier_change_names_another_institution_of_the_directory(project, programme_manager):
    current = project.carrier  # set before the agreement was signed: it stays, its contact moves
    services.set_carrier(
        project,
        programme_manager,
        carrier=current,
        finance_contact_name="Paul Compta",
        finance_contact_email="compta@example.org",
    )
    lead = project.application.lead
    assert "new_carrier" in problems_of(ask, project, lead, AmendmentKind.CARRIER_CHANGE)
    same = problems_of(ask, project, lead, AmendmentKind.CARRIER_CHANGE, new_carrier=current)
    assert same == {"new_carrier": ["This institution already carries the project."]}
    ask(project, lead, AmendmentKind.CARRIER_CHANGE, new_carrier=InstitutionFactory())


@english
def test_a_reallocation_adds_up_to_the_amount_granted(project):
    lead = project.application.lead
    assert "reallocation" in problems_of(
        ask, project, lead, AmendmentKind.REALLOCATION, reallocation={}
    )
    short = problems_of(
        ask,
        project,
        lead,
        AmendmentKind.REALLOCATION,
        reallocation={"staff": Decimal("15000"), "travel": Decimal("4999.99")},
    )
    assert "add up to" in short["reallocation"][0]
    negative = problems_of(
        ask,
        project,
        lead,
        AmendmentKind.REALLOCATION,
        reallocation={"staff": Decimal("25000"), "travel": Decimal("-5000")},
    )
    assert list(negative) == ["reallocation_travel"]
    amendment = ask(
        project,
        lead,
        AmendmentKind.REALLOCATION,
        reallocation={"staff": Decimal("15000"), "travel": Decimal("5000"), "other": None},
    )
    assert amendment.reallocation == {"staff": "15000", "travel": "5000"}


@english
def test_a_team_change_is_described(project):
    lead = project.application.lead
    assert list(problems_of(ask, project, lead, AmendmentKind.TEAM_CHANGE, team_change=" ")) == [
        "team_change"
    ]
    assert ask(project, lead, AmendmentKind.TEAM_CHANGE, team_change="Mme B remplace M. A").pk


@english
def test_only_the_fields_of_the_kind_are_kept(project):
    amendment = ask(
        project,
        project.application.lead,
        AmendmentKind.EXTENSION,
        extension_months=3,
        amount=Decimal("100"),
        team_change="Rien",
    )
    amendment.refresh_from_db()
    assert (amendment.extension_months, amendment.amount, amendment.team_change) == (3, None, "")


@english
def test_one_open_amendment_of_a_kind_at_a_time(project, programme_manager):
    lead = project.application.lead
    first = ask(project, lead, AmendmentKind.EXTENSION, extension_months=3)
    again = problems_of(ask, project, lead, AmendmentKind.EXTENSION, extension_months=4)
    assert list(again) == ["kind"]
    ask(project, lead, AmendmentKind.TEAM_CHANGE, team_change="Un post-doctorant en plus")
    refuse_amendment(first, programme_manager, "Pas justifié.")
    ask(project, lead, AmendmentKind.EXTENSION, extension_months=4)


@english
def test_an_attachment_over_the_limit_is_refused_and_nothing_is_kept(project):
    too_big = pdf(content=PDF + b"0" * ATTACHMENT_LIMIT)
    problems = problems_of(
        ask,
        project,
        project.application.lead,
        AmendmentKind.EXTENSION,
        extension_months=3,
        attachment=too_big,
    )
    assert "an attachment may not exceed 10 MB" in problems["attachment"][0]
    assert not project.amendments.exists()


# Who and when


@english
def test_before_the_signature_and_after_the_end_nobody_asks(programme_manager):
    project = funded_project(programme_manager)
    with pytest.raises(AmendmentError, match="once the agreement is signed"):
        ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=3)
    signed(project, programme_manager)
    services.terminate_project(project, programme_manager, "Abandon")
    with pytest.raises(AmendmentError, match="once the agreement is signed"):
        ask(project, programme_manager, AmendmentKind.EXTENSION, extension_months=3)


@english
def test_a_team_member_or_an_outsider_cannot_ask(project, other_applicant, council_member):
    joined_member(project.application, other_applicant)
    for person in (other_applicant, council_member):
        with pytest.raises(AmendmentError, match="Only the lead"):
            ask(project, person, AmendmentKind.EXTENSION, extension_months=3)


@english
def test_the_lead_cannot_decide(project):
    lead = project.application.lead
    amendment = ask(project, lead, AmendmentKind.EXTENSION, extension_months=3)
    with pytest.raises(AmendmentError, match="Only programme staff"):
        accept_amendment(amendment, lead, "Oui.")


# Deciding


@english
def test_accepting_and_refusing_need_a_reason(project, programme_manager):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=3)
    for decide in (accept_amendment, refuse_amendment):
        assert problems_of(decide, amendment, programme_manager, " ") == {
            "reason": ["Give the reason of the decision."]
        }
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ASKED


@english
def test_a_decided_amendment_cannot_be_decided_again(project, programme_manager):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=3)
    refuse_amendment(amendment, programme_manager, "Le calendrier tient.")
    for decide in (accept_amendment, refuse_amendment):
        with pytest.raises(AmendmentError, match="cannot be decided again"):
            decide(amendment, programme_manager, "Finalement oui.")
    project.refresh_from_db()
    assert project.duration_months == 24
    amendment.refresh_from_db()
    assert (amendment.state, amendment.decision_reason) == ("refused", "Le calendrier tient.")


@english
def test_an_accepted_extension_moves_the_end_date(project, programme_manager):
    assert project.end_date == dt.date(2028, 3, 31)
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    accept_amendment(amendment, programme_manager, "Retard de numérisation avéré.")
    project.refresh_from_db()
    assert (project.duration_months, project.end_date) == (30, dt.date(2028, 9, 30))
    amendment.refresh_from_db()
    assert (amendment.state, amendment.decided_by) == (AmendmentState.ACCEPTED, programme_manager)
    rows = project.application.events.filter(subject=AuditSubject.PROJECT)
    asked, accepted = rows.get(action="ask_amendment"), rows.get(action="accept_amendment")
    assert asked.reason.endswith("— Le calendrier a glissé.")
    assert accepted.reason.endswith("— Retard de numérisation avéré.")
    assert accepted.actor == programme_manager


@english
def test_an_accepted_carrier_change_changes_the_carrier_and_clears_its_contact(
    project, programme_manager
):
    services.set_carrier(
        project,
        programme_manager,
        carrier=project.carrier,  # the signed agreement's: only its contact changes
        finance_contact_name="Paul Compta",
        finance_contact_email="compta@example.org",
    )
    new = InstitutionFactory(name="Université de Lille")
    amendment = ask(
        project, project.application.lead, AmendmentKind.CARRIER_CHANGE, new_carrier=new
    )
    accept_amendment(amendment, programme_manager, "Mutation de la porteuse.")
    project.refresh_from_db()
    assert (project.carrier, project.finance_contact_name, project.finance_contact_email) == (
        new,
        "",
        "",
    )


@english
def test_a_refused_amendment_changes_nothing(project, programme_manager):
    amendment = ask(
        project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("5000")
    )
    refuse_amendment(amendment, programme_manager, "Les crédits seront dépensés.")
    project.refresh_from_db()
    assert project.amount_granted == Decimal("20000.00")
    assert project.decision.amount_granted == Decimal("20000.00")


@english
def test_staff_are_told_of_an_amendment_asked_and_the_lead_of_its_decision(
    project, programme_manager
):
    lead = project.application.lead
    amendment = ask(project, lead, AmendmentKind.EXTENSION, extension_months=6)
    told = Message.objects.filter(event=Event.AMENDMENT_ASKED)
    assert list(told.values_list("user", flat=True)) == [programme_manager.pk]
    accept_amendment(amendment, programme_manager, "Retard avéré.")
    told = Message.objects.filter(event=Event.AMENDMENT_DECIDED)
    assert list(told.values_list("user", flat=True)) == [lead.pk]


@english
def test_an_accepted_amendment_makes_a_new_agreement_version_when_the_call_says_so(
    project, programme_manager
):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    accept_amendment(amendment, programme_manager, "Retard avéré.")
    version = project.agreement_versions.get()
    assert (version.amendment, version.reason) == (
        amendment,
        "Amendment: Extension of the end date",
    )
    assert version.figures["duration_months"] == 30


@english
def test_no_new_version_when_the_call_does_not_ask_for_one(programme_manager):
    call = CallFactory(closed=True, amendment_needs_new_agreement=False)
    project = signed(funded_project(programme_manager, call), programme_manager)
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    accept_amendment(amendment, programme_manager, "Retard avéré.")
    assert not project.agreement_versions.exists()


@english
def test_without_a_new_version_possible_the_amendment_is_not_accepted(project, programme_manager):
    project.carrier = None
    project.save(update_fields=["carrier"])
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    with pytest.raises(AmendmentError, match="Set the administrative carrier"):
        accept_amendment(amendment, programme_manager, "Retard avéré.")
    amendment.refresh_from_db()
    project.refresh_from_db()
    assert (amendment.state, project.duration_months) == (AmendmentState.ASKED, 24)


# Money given back


@english
def test_money_given_back_returns_to_the_call_and_brings_the_reserve_forward(programme_manager):
    call = CallFactory(closed=True, envelope=Decimal("25000.00"))
    year = budget.call_year(call)
    EnvelopeFactory(programme=call.programme, year=year, amount=Decimal("40000.00"))
    project = signed(funded_project(programme_manager, call), programme_manager)
    reserve = decided_application(call, "reserve")  # requests 10,000
    before = budget.call_budget(call).remaining
    assert before == Decimal("5000.00")
    assert budget.programme_year_budget(call.programme, year).remaining == Decimal("20000.00")
    assert promotion_candidate(call) is None

    amendment = ask(
        project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("6000")
    )
    accept_amendment(amendment, programme_manager, "Dépenses moindres que prévu.")

    project.refresh_from_db()
    project.decision.refresh_from_db()
    assert project.amount_granted == Decimal("14000.00")
    assert project.decision.amount_granted == Decimal("14000.00")
    assert budget.call_budget(call).remaining == before + Decimal("6000.00")
    assert budget.programme_year_budget(call.programme, year).remaining == Decimal("26000.00")
    promotion = promotion_candidate(call)
    assert promotion.decision.application == reserve
    assert promotion.remaining == Decimal("11000.00")
    lowered = project.application.events.get(subject=AuditSubject.DECISION, action="lower_grant")
    assert "Dépenses moindres que prévu." in lowered.reason


def test_the_decisions_page_proposes_the_reserve_application_after_a_give_back(
    client, programme_manager
):
    call = CallFactory(closed=True, envelope=Decimal("25000.00"))
    project = signed(funded_project(programme_manager, call), programme_manager)
    reserve = decided_application(call, "reserve")
    page = reverse("decisions:call", args=[call.slug])
    client.force_login(programme_manager)
    assert "Des crédits sont libérés" not in visible_text(client.get(page))

    amendment = ask(
        project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("6000")
    )
    accept_amendment(amendment, programme_manager, "Dépenses moindres que prévu.")
    text = visible_text(client.get(page))
    assert "Des crédits sont libérés" in text
    assert f"tient est {reserve.reference}" in text


@english
def test_the_schedule_still_adds_up_to_the_cent_lowered_from_the_last_instalment(
    project, programme_manager
):
    first, second, third = schedule(project, programme_manager, "10000.00", "6000.00", "4000.00")
    pay(first, programme_manager, "10000.00")
    pay(second, programme_manager, "1000.00", reference="MDT-2")
    amendment = ask(
        project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("6999.99")
    )
    accept_amendment(amendment, programme_manager, "Reliquat.")
    project.refresh_from_db()
    rows = {item.label: item.amount for item in project.instalments.all()}
    # The last one is gone (nothing was paid on it); the second gives the remaining 2,999.99.
    assert rows == {"Tranche 1": Decimal("10000.00"), "Tranche 2": Decimal("3000.01")}
    assert sum(rows.values()) == project.amount_granted == Decimal("13000.01")
    assert payments.schedule_of(project)["remaining"] == Decimal("2000.01")


@english
def test_a_give_back_over_what_remains_when_it_is_accepted_is_refused(project, programme_manager):
    (instalment,) = schedule(project, programme_manager, "20000.00")
    amendment = ask(
        project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("8000")
    )
    pay(instalment, programme_manager, "15000.00")  # paid meanwhile
    with pytest.raises(AmendmentError, match="At most"):
        accept_amendment(amendment, programme_manager, "D'accord.")
    amendment.refresh_from_db()
    project.refresh_from_db()
    assert (amendment.state, project.amount_granted) == (
        AmendmentState.ASKED,
        Decimal("20000.00"),
    )
    assert project.state == ProjectState.AGREEMENT_SIGNED


# The section of the project page


def page_of(project):
    return reverse("projects:project", args=[project.pk])


def ask_url(project):
    return reverse("projects:ask_amendment", args=[project.pk])


def decide_url(amendment):
    return reverse("projects:decide_amendment", args=[amendment.project_id, amendment.pk])


def file_url(amendment):
    return reverse("projects:amendment_file", args=[amendment.project_id, amendment.pk])


def pdf(name="lettre.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_lead_asks_for_an_extension_with_a_letter(client, project):
    client.force_login(project.application.lead)
    assert "Demander un avenant" in visible_text(client.get(page_of(project)))
    response = client.post(
        ask_url(project),
        {
            "amendment-kind": AmendmentKind.EXTENSION,
            "amendment-justification": "La numérisation a pris du retard.",
            "amendment-extension_months": "6",
            "amendment-attachment": pdf(),
        },
        follow=True,
    )
    text = visible_text(response)
    assert "L’avenant est demandé" in text
    assert "Prolongation de la date de fin" in text and "6 mois de plus" in text
    assert "La numérisation a pris du retard." in text and "Demandé" in text
    amendment = project.amendments.get()
    assert (amendment.attachment_name, amendment.attachment_type) == (
        "lettre.pdf",
        "application/pdf",
    )
    download = client.get(file_url(amendment))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_wrong_value_is_refused_beside_its_field_and_the_draft_kept(client, project):
    client.force_login(project.application.lead)
    response = client.post(
        ask_url(project),
        {
            "amendment-kind": AmendmentKind.REALLOCATION,
            "amendment-justification": "Moins de missions, plus de vacations.",
            "amendment-reallocation_staff": "15000",
            "amendment-reallocation_travel": "1000",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    text = " ".join(visible_text(response).replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "Les nouveaux montants font 16 000,00 € ; le montant accordé est de 20 000,00 €" in text
    assert "Moins de missions, plus de vacations." in page
    assert 'value="15000' in page or 'value="15\u00a0000' in page
    assert not project.amendments.exists()


def test_a_file_of_another_type_is_refused_whatever_its_name(client, project):
    client.force_login(project.application.lead)
    response = client.post(
        ask_url(project),
        {
            "amendment-kind": AmendmentKind.TEAM_CHANGE,
            "amendment-justification": "Départ d'un ingénieur.",
            "amendment-team_change": "M. A part, Mme B arrive.",
            "amendment-attachment": pdf("budget.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 400
    assert 'id="id_amendment-attachment"' in response.content.decode()
    assert "n’est pas un fichier d’un type accepté" in visible_text(response)
    assert not project.amendments.exists()


def test_staff_accept_with_a_reason_and_the_end_date_moves(client, programme_manager, project):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    client.force_login(programme_manager)
    refused = client.post(
        decide_url(amendment), {"decision": "accept", f"decide-{amendment.pk}-reason": ""}
    )
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.content.decode()
    assert "Donnez la raison de la décision." in visible_text(refused)
    response = client.post(
        decide_url(amendment),
        {"decision": "accept", f"decide-{amendment.pk}-reason": "Retard avéré."},
        follow=True,
    )
    text = visible_text(response)
    assert "L’avenant est accepté." in text
    assert "Date de fin 30 septembre 2028" in text
    assert "Retard avéré." in text
    assert "Accepter l’avenant" not in text


def test_staff_refuse_and_the_lead_reads_why(client, programme_manager, project):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    client.force_login(programme_manager)
    client.post(
        decide_url(amendment),
        {"decision": "refuse", f"decide-{amendment.pk}-reason": "Le calendrier tient."},
    )
    client.force_login(project.application.lead)
    text = visible_text(client.get(page_of(project)))
    assert "Refusé" in text and "Le calendrier tient." in text
    assert "Date de fin 31 mars 2028" in text


def test_the_lead_cannot_decide_on_the_page(client, project):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    client.force_login(project.application.lead)
    assert "Accepter l’avenant" not in visible_text(client.get(page_of(project)))
    response = client.post(
        decide_url(amendment), {"decision": "accept", f"decide-{amendment.pk}-reason": "Oui"}
    )
    assert response.status_code == 404
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ASKED


def test_the_team_reads_the_attachment_and_the_council_reads_the_list_only(
    client, project, other_applicant, council_member
):
    amendment = ask(
        project,
        project.application.lead,
        AmendmentKind.EXTENSION,
        extension_months=6,
        attachment=pdf(),
    )
    joined_member(project.application, other_applicant)
    client.force_login(other_applicant)
    assert client.get(file_url(amendment)).status_code == 200
    assert "Demander un avenant" not in visible_text(client.get(page_of(project)))
    client.force_login(council_member)
    text = visible_text(client.get(page_of(project)))
    assert "Prolongation de la date de fin" in text and "lettre.pdf" not in text
    assert client.get(file_url(amendment)).status_code == 404


@pytest.mark.parametrize("persona", ["reviewer", "other_applicant"])
def test_a_reviewer_or_an_outsider_gets_a_404(persona, client, project, request):
    amendment = ask(
        project,
        project.application.lead,
        AmendmentKind.EXTENSION,
        extension_months=6,
        attachment=pdf(),
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_of(project)).status_code == 404
    assert client.get(file_url(amendment)).status_code == 404
    assert client.post(ask_url(project), {"amendment-kind": "extension"}).status_code == 404
    response = client.post(
        decide_url(amendment), {"decision": "accept", f"decide-{amendment.pk}-reason": "Oui"}
    )
    assert response.status_code == 404


def test_the_section_reads_in_english(client, programme_manager, project):
    amendment = ask(
        project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("5000")
    )
    client.force_login(programme_manager)
    with translation.override("en"):
        url = reverse("projects:project", args=[project.pk])
        asked = reverse("projects:decide_amendment", args=[project.pk, amendment.pk])
    assert asked.startswith("/en/projects/") and "/amendments/" in asked
    text = visible_text(client.get(url))
    assert "Amendments" in text and "Giving back part of the grant" in text
    assert "€5,000.00 given back" in text
    assert "Accept the amendment" in text and "Ask for an amendment" in text


@pytest.mark.parametrize("count", [1, 5])
def test_the_page_costs_the_same_whatever_the_number_of_amendments(
    client, programme_manager, project, django_assert_num_queries, count
):
    lead = project.application.lead
    for number in range(count):
        amendment = ask(
            project,
            lead,
            AmendmentKind.EXTENSION,
            extension_months=number + 1,
            attachment=pdf(),
        )
        if number < count - 1:
            refuse_amendment(amendment, programme_manager, "Non.")
    client.force_login(programme_manager)
    client.get(page_of(project))  # the session and the permissions cached
    with django_assert_num_queries(18):
        response = client.get(page_of(project))
    assert response.content.decode().count('class="card mb-3 amendment"') == count
    assert response.content.decode().count("decide-amendment") == 1


def test_a_give_back_the_schedule_cannot_follow_is_shown_not_a_500(
    client, programme_manager, project
):
    *_, last = schedule(project, programme_manager, "10000.00", "6000.00", "4000.00")
    # Paid over its instalment before payments were checked against it.
    Payment.objects.create(
        project=project, instalment=last, paid_on=SIGNED, amount=Decimal("9000"), reference="A"
    )
    amendment = ask(
        project, project.application.lead, AmendmentKind.GIVE_BACK, amount=Decimal("5000")
    )
    client.force_login(programme_manager)
    response = client.post(
        decide_url(amendment), {"decision": "accept", f"decide-{amendment.pk}-reason": "Reliquat."}
    )
    assert response.status_code == 400
    assert "L’échéancier ne peut pas être abaissé" in visible_text(response)
    amendment.refresh_from_db()
    project.refresh_from_db()
    assert amendment.state == AmendmentState.ASKED
    assert project.amount_granted == project.decision.amount_granted == Decimal("20000.00")


def test_deciding_long_after_signing_in_asks_for_the_code_first(client, programme_manager, project):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    client.force_login(programme_manager)
    time_passes(client, 16)
    response = client.post(
        decide_url(amendment), {"decision": "accept", f"decide-{amendment.pk}-reason": "Oui."}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ASKED


@pytest.mark.parametrize("decision", ["", "maybe"])
def test_a_decision_other_than_accept_or_refuse_is_a_bad_request(
    decision, client, programme_manager, project
):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    client.force_login(programme_manager)
    response = client.post(
        decide_url(amendment), {"decision": decision, f"decide-{amendment.pk}-reason": "Non."}
    )
    assert response.status_code == 400
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ASKED


# Checked again when accepted


@english
def test_a_reallocation_asked_before_a_give_back_must_add_up_to_the_lower_grant(
    project, programme_manager
):
    schedule(project, programme_manager, "20000.00")
    lead = project.application.lead
    reallocation = ask(
        project,
        lead,
        AmendmentKind.REALLOCATION,
        reallocation={"staff": Decimal("15000"), "travel": Decimal("5000")},
    )
    give_back = ask(project, lead, AmendmentKind.GIVE_BACK, amount=Decimal("2000"))
    accept_amendment(give_back, programme_manager, "D'accord.")

    with pytest.raises(AmendmentError, match="no longer fits.*add up to") as refused:
        accept_amendment(reallocation, programme_manager, "D'accord.")
    assert "18,000.00" in str(refused.value)
    reallocation.refresh_from_db()
    assert reallocation.state == AmendmentState.ASKED


@english
def test_an_extension_out_of_bounds_is_refused_when_accepted(project, programme_manager):
    amendment = ask(project, project.application.lead, AmendmentKind.EXTENSION, extension_months=6)
    type(amendment).objects.filter(pk=amendment.pk).update(extension_months=30)  # e.g. old data
    amendment.refresh_from_db()

    with pytest.raises(AmendmentError, match="no longer fits.*1 to 24 months"):
        accept_amendment(amendment, programme_manager, "D'accord.")
    project.refresh_from_db()
    assert project.duration_months == 24


def test_an_accepted_team_change_says_the_team_is_changed_in_the_application(
    client, programme_manager, project
):
    amendment = ask(
        project, project.application.lead, AmendmentKind.TEAM_CHANGE, team_change="Mme B arrive"
    )
    accept_amendment(amendment, programme_manager, "D'accord.")
    team = reverse("applications:edit", args=[project.application.pk]) + "#team"

    client.force_login(programme_manager)
    staff_page = client.get(page_of(project))
    assert "ne change pas l’équipe nommée dans la candidature" in visible_text(staff_page)
    assert team not in staff_page.content.decode()
    client.force_login(project.application.lead)
    lead_page = client.get(page_of(project))
    assert f'href="{team}"' in lead_page.content.decode()
