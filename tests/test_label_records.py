"""A collection's record: a renewal decision applies only what its application changed, so that
the holders' edits made while it was examined survive, and raises the record's version."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from applications.models import Application, ApplicationState
from applications.renewals import start_renewal
from applications.services import submit_application
from calls.models import CallKind
from decisions.models import Outcome
from decisions.services import record_decision
from labels.forms import RecordForm
from labels.records import merge, record_of
from labels.renewals import start_campaign
from labels.services import StaleRecord, update_record
from labels.status import paris_today

from .factories import CallFactory, UserFactory, collection_record, completed, labelled_collection

pytestmark = pytest.mark.django_db

BASE = {"name_fr": "Fonds A", "city": "Paris", "materials": ["printed"], "latitude": "48.8"}


def test_merge_takes_what_the_application_changed_and_keeps_the_rest():
    current = {**BASE, "city": "Lyon"}  # a holder's later edit
    proposed = {**BASE, "name_fr": "Fonds B"}  # the application's change

    merged = merge(BASE, current, proposed)

    assert merged["name_fr"] == "Fonds B"
    assert merged["city"] == "Lyon"
    assert merged["materials"] == ["printed"]


def test_merge_keeps_the_application_where_both_changed_and_its_emptied_values():
    current = {**BASE, "name_fr": "Fonds C", "materials": ["printed", "maps"]}
    proposed = {**BASE, "name_fr": "Fonds B", "materials": []}

    merged = merge(BASE, current, proposed)

    assert merged["name_fr"] == "Fonds B"
    assert merged["materials"] == []


def test_merge_reads_the_same_number_written_twice_as_unchanged():
    current = {**BASE, "latitude": "45.7"}
    proposed = {**BASE, "latitude": "48.800000"}

    assert merge(BASE, current, proposed)["latitude"] == "45.7"


def test_merge_without_a_base_is_the_application_record():
    proposed = {**BASE, "name_fr": "Fonds B"}

    assert merge(None, {**BASE, "city": "Lyon"}, proposed) == proposed


def edited(collection, user, **changes):
    form = RecordForm(data=RecordForm.data_of({**record_of(collection), **changes}))
    assert form.is_valid(), form.errors
    return update_record(collection, user, form.record(), collection.version)


def test_a_renewal_keeps_the_holders_later_edits_and_refuses_older_forms(programme_manager):
    today = paris_today()
    lead = UserFactory()
    collection = labelled_collection(lead=lead, record=collection_record(city="Paris"))
    collection.expires_on = today + dt.timedelta(days=30)
    collection.save(update_fields=["expires_on"])
    call = CallFactory(kind=CallKind.LABEL, label_duration_months=60, envelope=Decimal("0"))
    [invitation] = start_campaign(call, today + dt.timedelta(days=60), programme_manager)
    application = start_renewal(lead, invitation)
    application.collection_record = {**application.collection_record, "name_fr": "Fonds renommé"}
    application.save(update_fields=["collection_record"])
    collection = edited(collection, lead, city="Lyon")  # while the renewal is examined
    opened_at = collection.version
    completed(application)
    submit_application(application, lead)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.ELIGIBLE)
    application.refresh_from_db()

    record_decision(
        application,
        programme_manager,
        outcome=Outcome.LABELLED,
        meeting_date=today,
        motivation="Collection de référence.",
    )

    collection.refresh_from_db()
    assert collection.name_fr == "Fonds renommé"
    assert collection.city == "Lyon"
    assert collection.version == opened_at + 1
    assert collection.versions.first().record["city"] == "Lyon"
    with pytest.raises(StaleRecord):
        update_record(collection, lead, record_of(collection), opened_at)


def test_the_region_list_begins_with_a_translatable_invitation_to_choose():
    for language, text in (("en", "Choose a region"), ("fr", "Choisissez une région")):
        with translation.override(language):
            assert f">{text}</option>" in str(RecordForm()["region"])
