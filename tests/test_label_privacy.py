"""The registry's personal data (issue 19): holders, invitations and the authors of versions
are in the register with their periods; a person's export lists the collections they keep and
the invitations they sent; an anonymised account loses its holdings and invitations and its
versions stay without an author, the record whole; old invitations go with the delivery log;
an account that keeps a collection whose label holds is not unused."""

import datetime as dt

import pytest
from django.utils import timezone

from labels.holders import invite_holder
from labels.models import CollectionHolder, HolderInvitation, HolderRole, RecordVersion
from labels.records import record_of
from labels.services import update_record
from privacy.anonymise import ERASURE, anonymise_account
from privacy.export import files
from privacy.register import REGISTER
from privacy.retention import due, run

from .factories import UserFactory, labelled_collection

english = pytest.mark.usefixtures("in_english")


@pytest.fixture
def lead(db):
    return UserFactory(email="gardienne@example.org", language="en")


@pytest.fixture
def collection(lead):
    return labelled_collection(lead=lead)


def test_the_register_lists_the_holders_invitations_and_authors_with_their_periods():
    (entry,) = [processing for processing in REGISTER if processing.key == "collections"]
    assert set(entry.where) == {
        "labels.CollectionHolder",
        "labels.HolderInvitation",
        "labels.RecordVersion",
    }
    assert [rule.key for rule in entry.retention_rules] == ["inactive_account", "delivery_log"]


@english
def test_the_export_lists_the_collections_kept_the_versions_made_and_invitations_sent(
    lead, collection
):
    update_record(collection, lead, record_of(collection) | {"city": "Lyon"}, 1)
    invite_holder(collection, lead, "adjoint@example.org")
    data = {name: content for name, _text, content in files(lead)}["collections.json"]
    (kept,) = data["collections_you_keep"]
    assert kept["code"] == collection.code and kept["role"] == "Lead holder"
    assert [version["version"] for version in kept["versions_you_made"]] == [2]
    (sent,) = data["invitations_you_sent"]
    assert sent["email"] == "adjoint@example.org" and sent["accepted_at"] is None
    assert "token" not in str(data) and HolderInvitation.objects.get().token_hash not in str(data)


def test_no_collections_file_for_someone_who_keeps_none(db):
    assert "collections.json" not in [name for name, _text, _data in files(UserFactory())]


@pytest.mark.parametrize("rule", [ERASURE, "inactive_account"])
def test_an_anonymised_account_loses_its_holdings_and_invitations_not_the_record(
    lead, collection, rule
):
    invited = UserFactory(email="adjoint@example.org")
    CollectionHolder.objects.create(
        collection=collection, user=invited, role=HolderRole.INVITED, added_by=lead
    )
    update_record(collection, lead, record_of(collection) | {"city": "Lyon"}, 1)
    invite_holder(collection, lead, "tierce@example.org")
    other = UserFactory()
    invite_holder(labelled_collection(lead=other), other, "gardienne@example.org")

    anonymise_account(lead, rule=rule)

    assert not CollectionHolder.objects.filter(user=lead).exists()
    assert CollectionHolder.objects.get(user=invited).added_by is None
    assert not HolderInvitation.objects.exists()
    version = RecordVersion.objects.get(collection=collection, number=2)
    assert version.author is None and version.record["city"] == "Lyon"
    collection.refresh_from_db()
    assert collection.city == "Lyon" and collection.name_fr == "Fonds d'histoire des sciences"


def test_invitations_go_with_the_delivery_log(lead, collection, settings):
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION_DEFAULTS}
    sent = timezone.now()
    invite_holder(collection, lead, "adjoint@example.org", now=sent)
    assert run(sent + dt.timedelta(days=364)).counts["holder_invitations"] == {"deleted": 0}
    assert HolderInvitation.objects.exists()
    assert run(sent + dt.timedelta(days=366)).counts["holder_invitations"] == {"deleted": 1}
    assert not HolderInvitation.objects.exists()


def test_an_account_that_keeps_a_labelled_collection_is_not_unused(lead, collection, settings):
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION_DEFAULTS}
    lapsed_holder = UserFactory()
    labelled_collection(lead=lapsed_holder, decided_on=dt.date(2020, 1, 15), months=24)
    lead.date_joined = lapsed_holder.date_joined = timezone.now() - dt.timedelta(days=4 * 366)
    lead.save(update_fields=["date_joined"])
    lapsed_holder.save(update_fields=["date_joined"])
    inactive = {user.pk for user in due(timezone.now())["inactive_account"]}
    assert lapsed_holder.pk in inactive and lead.pk not in inactive
