"""A CollEx label call's applications are decided "labelled" or "rejected", and the labelled
decision creates or renews the collection through the registry's service: its dates, a
renewal without a gap, the refusals, the letter, the decision pages and the reports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.roles import Role
from applications.models import ApplicationEvent, ApplicationState
from calls.models import CallKind
from decisions import services
from decisions.letters import render_letter, send_letter
from decisions.models import Decision, LetterTemplate, Outcome
from labels.models import Collection, LabelPeriod, RecordVersion
from projects.models import Project
from reports.governance import build_document

from .factories import (
    ApplicationFactory,
    CallFactory,
    ProgrammeFactory,
    UserFactory,
    collection_record,
    labelled_collection,
)
from .reading import flat, plain_pdf_pages, text_of
from .test_admin_calls import ADD_URL, complete_call_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

MEETING = dt.date(2026, 3, 15)
# The decisions page of a label call, whatever its number of applications (each labelled row
# links to its collection: fetched with the decisions).
LABEL_PAGE_QUERIES = 22


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.PROGRAMME_MANAGER])


@pytest.fixture
def label_call():
    return CallFactory(
        closed=True,
        kind=CallKind.LABEL,
        label_duration_months=60,
        envelope=Decimal("0"),
        max_amount=Decimal("0"),
        title_en="CollEx label 2026",
        title_fr="Labellisation CollEx 2026",
    )


def label_application(call, collection=None, **changes):
    return ApplicationFactory(
        call=call,
        eligible=True,
        collection=collection,
        collection_record=collection_record(**changes),
    )


def decide(application, actor, outcome=Outcome.LABELLED, meeting_date=MEETING, **fields):
    return services.record_decision(
        application,
        actor,
        outcome=outcome,
        meeting_date=meeting_date,
        motivation="Collection d'intérêt national.",
        **fields,
    )


# The registry follows the decision


def test_a_collection_exists_only_after_a_labelled_decision(label_call, staff):
    application = label_application(label_call)
    services.record_proposal(application, staff, outcome=Outcome.LABELLED)
    rejected = label_application(label_call)
    decide(rejected, staff, outcome=Outcome.REJECTED)
    funded = ApplicationFactory(call=CallFactory(closed=True), eligible=True)
    decide(funded, staff, outcome=Outcome.FUNDED, amount=Decimal("5000"))
    assert not Collection.objects.exists()

    decision = decide(application, staff)

    collection = Collection.objects.get()
    application.refresh_from_db()
    assert application.collection == collection
    assert collection.name == "History of science collection"
    assert list(collection.holders.all()) == [application.lead]
    assert (decision.outcome, decision.amount_granted, decision.reserve_rank) == (
        "labelled",
        None,
        None,
    )
    assert application.state == ApplicationState.DECIDED
    assert RecordVersion.objects.filter(collection=collection).count() == 1


def test_the_label_runs_for_the_calls_duration_through_its_last_day(label_call, staff):
    application = label_application(label_call)

    decide(application, staff)

    collection = Collection.objects.get()
    assert (collection.labelled_since, collection.expires_on) == (
        dt.date(2026, 3, 15),
        dt.date(2031, 3, 14),
    )
    period = LabelPeriod.objects.get(reference=application.reference)
    assert (period.kind, period.decided_on, period.call_title) == (
        "first",
        MEETING,
        "CollEx label 2026",
    )


def test_a_renewal_follows_the_current_label_without_a_gap(label_call, staff):
    collection = labelled_collection(decided_on=dt.date(2021, 6, 1), months=60)
    assert collection.expires_on == dt.date(2026, 5, 31)
    first = collection.periods.get()
    renewal = label_application(label_call, collection=collection, name_en="Renewed collection")

    decide(renewal, staff)

    collection.refresh_from_db()
    assert collection.name == "Renewed collection"  # the record proposed replaces the old one
    assert collection.labelled_since == dt.date(2021, 6, 1)
    assert collection.expires_on == dt.date(2031, 5, 31)
    assert [(p.pk, p.kind, p.starts_on, p.expires_on) for p in collection.periods.all()] == [
        (first.pk, "first", dt.date(2021, 6, 1), dt.date(2026, 5, 31)),
        (
            LabelPeriod.objects.get(reference=renewal.reference).pk,
            "renewal",
            dt.date(2026, 6, 1),
            dt.date(2031, 5, 31),
        ),
    ]
    assert Collection.objects.count() == 1


def test_deciding_labelled_again_does_not_label_twice(label_call, staff):
    application = label_application(label_call)
    decide(application, staff)

    decision = services.record_decision(
        application,
        staff,
        outcome=Outcome.LABELLED,
        meeting_date=MEETING,
        motivation="Motivation précisée.",
    )

    assert decision.motivation == "Motivation précisée."
    assert Collection.objects.count() == 1
    assert LabelPeriod.objects.count() == 1
    assert RecordVersion.objects.count() == 1
    with pytest.raises(services.DecisionError, match="15 March 2026"):
        decide(application, staff, meeting_date=dt.date(2026, 4, 1))


def test_an_incomplete_record_refuses_the_decision_and_records_nothing(label_call, staff):
    application = label_application(label_call, name_fr="", city="")

    with pytest.raises(services.DecisionError) as refused:
        decide(application, staff)

    message = str(refused.value)
    assert "incomplete" in message and "name" in message and "city" in message
    application.refresh_from_db()
    assert application.state == ApplicationState.ELIGIBLE and application.collection is None
    assert not Decision.objects.exclude(outcome="").exists()
    assert not ApplicationEvent.objects.filter(application=application).exists()
    assert not Collection.objects.exists()


def test_a_batch_refused_by_one_incomplete_record_labels_none(label_call, staff):
    complete = label_application(label_call)
    incomplete = label_application(label_call, region="")

    with pytest.raises(services.DecisionError) as refused:
        services.record_batch(
            [complete.pk, incomplete.pk],
            staff,
            outcome=Outcome.LABELLED,
            meeting_date=MEETING,
            motivation="Séance de labellisation.",
        )

    assert str(refused.value).startswith(f"{incomplete.reference}: ")
    assert not Collection.objects.exists()
    assert not Decision.objects.exclude(outcome="").exists()

    services.record_batch(
        [complete.pk],
        staff,
        outcome=Outcome.LABELLED,
        meeting_date=MEETING,
        motivation="Séance de labellisation.",
    )
    assert Collection.objects.count() == 1


def test_a_labelled_decision_cannot_be_changed(label_call, staff):
    application = label_application(label_call)
    decide(application, staff)

    with pytest.raises(services.DecisionError, match="once granted, is part of the collection"):
        decide(application, staff, outcome=Outcome.REJECTED)

    assert Decision.objects.get(application=application).outcome == Outcome.LABELLED
    assert Collection.objects.count() == 1


@pytest.mark.parametrize("outcome", [Outcome.FUNDED, Outcome.RESERVE])
def test_a_label_call_neither_funds_nor_lists_in_reserve(label_call, staff, outcome):
    application = label_application(label_call)

    with pytest.raises(services.DecisionError, match="labelled or rejected"):
        decide(application, staff, outcome=outcome, amount=Decimal("1000"))
    with pytest.raises(services.DecisionError, match="labelled or rejected"):
        services.record_proposal(application, staff, outcome=outcome)

    assert not Decision.objects.exclude(outcome="").exists()


def test_only_a_label_calls_applications_are_labelled(staff):
    application = ApplicationFactory(
        call=CallFactory(closed=True), eligible=True, collection_record=collection_record()
    )

    with pytest.raises(services.DecisionError, match="Only the applications of a CollEx label"):
        decide(application, staff)
    with pytest.raises(services.DecisionError, match="Only the applications of a CollEx label"):
        services.record_proposal(application, staff, outcome=Outcome.LABELLED)

    assert not Collection.objects.exists()


# The letter


def test_the_letter_of_a_labelled_decision_gives_the_labels_dates(label_call, staff):
    application = label_application(label_call)
    collection = decide(application, staff).application.collection

    english = render_letter(Decision.objects.get(application=application), language="en")
    french = render_letter(Decision.objects.get(application=application), language="fr")

    body = flat(english.body)
    assert english.subject == f"Label decision: application {application.reference}"
    assert "the CollEx label to the collection “History of science collection”" in body
    assert "labelled from 15 March 2026 until 14 March 2031 included" in body
    with translation.override("en"):
        assert collection.get_absolute_url() in body
    assert "du 15 mars 2026 au 14 mars 2031 inclus" in flat(french.body)
    assert "Fonds d'histoire des sciences" in french.body
    assert "accorder le label CollEx à la collection" in flat(french.body)
    assert "renew" not in body


def test_the_letter_of_a_renewal_says_the_label_is_renewed(label_call, staff):
    collection = labelled_collection(decided_on=dt.date(2021, 6, 1), months=60)
    renewal = label_application(label_call, collection=collection)
    decide(renewal, staff)

    english = flat(render_letter(Decision.objects.get(application=renewal), language="en").body)
    french = flat(render_letter(Decision.objects.get(application=renewal), language="fr").body)

    assert "decided to renew the CollEx label of the collection" in english
    assert "The label is renewed from 1 June 2026 until 31 May 2031 included" in english
    assert "The collection stays in the directory" in english
    assert "grant the CollEx label" not in english
    assert "a décidé de renouveler le label CollEx de la collection" in french
    assert "Le label est renouvelé du " in french
    assert "juin 2026 au 31 mai 2031 inclus" in french
    assert "accorder" not in french


def test_sending_a_labelled_decisions_letter_makes_no_project(label_call, staff):
    application = label_application(label_call)
    decision = decide(application, staff)

    letter = send_letter(decision, staff)

    assert letter.outcome == Outcome.LABELLED
    assert not Project.objects.exists()


def test_a_rejected_label_application_is_not_told_about_funding(label_call, staff):
    application = label_application(label_call)
    decision = decide(application, staff, outcome=Outcome.REJECTED)

    body = flat(render_letter(decision, language="en").body)

    assert "the CollEx label could not be granted" in body
    assert "funding" not in body


def test_a_staff_letter_template_may_use_the_labels_dates(label_call, staff):
    template = LetterTemplate(
        kind=CallKind.LABEL,
        outcome=Outcome.LABELLED,
        language="en",
        subject="Label: {{ reference }}",
        body="Labelled until {{ label.expires_on }}: {{ label.collection_url }}",
    )
    template.full_clean()  # checked against the sample context in the sandbox
    template.save()
    application = label_application(label_call)
    decision = decide(application, staff)

    letter = render_letter(decision, language="en")

    assert letter.template == template
    assert letter.body.startswith("Labelled until 14 March 2031: http")


# The pages


def test_the_decision_pages_of_a_label_call_offer_labelled_or_rejected(
    client, programme_manager, label_call
):
    application = label_application(label_call)
    client.force_login(programme_manager)

    pages = [
        text_of(client.get(reverse("decisions:call", args=[label_call.slug]))),
        text_of(client.get(reverse("decisions:application", args=[application.pk]))),
    ]

    for page in pages:
        assert '<option value="labelled"' in page and '<option value="rejected"' in page
        assert 'value="funded"' not in page and 'value="reserve"' not in page
    assert 'name="decision-amount"' not in pages[1]
    assert 'name="proposal-amount"' not in pages[1]
    assert 'name="decision-reserve_rank"' not in pages[1]
    assert "Funding line" not in pages[0]


@pytest.mark.parametrize("size", [2, 6])
def test_a_label_calls_decisions_page_has_a_fixed_number_of_queries(
    client, programme_manager, label_call, staff, size, django_assert_num_queries
):
    for _index in range(size):
        decide(label_application(label_call), staff)
    client.force_login(programme_manager)
    client.get(reverse("decisions:call", args=[label_call.slug]))  # caches warm

    with django_assert_num_queries(LABEL_PAGE_QUERIES):
        page = client.get(reverse("decisions:call", args=[label_call.slug]))

    assert text_of(page).count('class="d-block collection-link"') == size


def test_staff_label_a_collection_from_the_application_page(client, programme_manager, label_call):
    application = label_application(label_call)
    client.force_login(programme_manager)
    url = reverse("decisions:application", args=[application.pk])

    response = client.post(
        url,
        {
            "step": "decision",
            "decision-outcome": "labelled",
            "decision-body": "members_council",
            "decision-meeting_date": "2026-03-15",
            "decision-motivation": "Collection d'intérêt national.",
        },
    )

    assert response.status_code == 302
    collection = Collection.objects.get()
    page = text_of(client.get(url))
    assert f'href="{collection.get_absolute_url()}"' in page
    assert "this decision cannot be changed" in page
    ranking = text_of(client.get(reverse("decisions:call", args=[label_call.slug])))
    assert "Labelled" in ranking and f'href="{collection.get_absolute_url()}"' in ranking
    assert "Decided so far: labelled 1 · rejected 0." in flat(ranking)


def test_an_incomplete_record_is_said_on_the_application_page(
    client, programme_manager, label_call
):
    application = label_application(label_call, city="")
    client.force_login(programme_manager)

    response = client.post(
        reverse("decisions:application", args=[application.pk]),
        {
            "step": "decision",
            "decision-outcome": "labelled",
            "decision-body": "members_council",
            "decision-meeting_date": "2026-03-15",
            "decision-motivation": "Collection d'intérêt national.",
        },
    )

    assert response.status_code == 400
    assert "description of the collection is incomplete: city" in text_of(response)
    assert not Collection.objects.exists()


def test_the_call_editor_asks_a_label_call_for_its_duration(client, programme_manager):
    client.force_login(programme_manager)
    form = text_of(client.get(reverse(ADD_URL)))
    assert 'name="label_duration_months"' in form and 'name="asks_for_collections"' in form

    data = complete_call_form(ProgrammeFactory(), slug="label-2027", kind=CallKind.LABEL)
    response = client.post(reverse(ADD_URL), data)

    assert response.status_code == 200
    messages = []
    for language in ("en", "fr"):
        with translation.override(language):
            messages.append(gettext("Give the duration of the label this call grants."))
    assert any(message in text_of(response) for message in messages)

    data = complete_call_form(
        ProgrammeFactory(), slug="label-2027", kind=CallKind.LABEL, label_duration_months="60"
    )
    assert client.post(reverse(ADD_URL), data).status_code == 302


# The reports


def test_the_call_report_counts_the_labelled_applications(label_call, staff):
    for _index in range(2):
        decide(label_application(label_call), staff)
    decide(label_application(label_call), staff, outcome=Outcome.REJECTED)

    text = "\n".join(plain_pdf_pages(build_document("call", call=label_call, language="en").pdf))

    assert "Labelled 2\nRejected 1" in text
    assert "€10,000.00 — Labelled\nMembers' council, March 15, 2026" in text


def test_the_programme_report_names_the_labelled_collections(label_call, staff):
    decide(label_application(label_call), staff)
    year = label_call.closes_at.year

    document = build_document("programme", programme=label_call.programme, year=year, language="en")
    text = flat("\n".join(plain_pdf_pages(document.pdf)))

    assert "Labelled collections 1" in text
    assert "1 labelled" in text
