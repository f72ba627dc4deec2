"""Holders of a labelled collection (issue 19): they keep its record while the label holds,
each change a version with who, when and what; a stale edit is refused and keeps what was
typed; after a lapse the record is read-only for them; they invite others by a personal link
that works once, for the account of the invited address; the lead holder removes an invited
holder; "My collections" on the My applications page lists what one keeps."""

import datetime as dt
import html
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from labels import holders
from labels.forms import RecordForm
from labels.models import CollectionHolder, HolderInvitation, HolderRole, RecordVersion
from labels.records import record_of
from labels.services import update_record
from labels.status import paris_today

from .factories import UserFactory, labelled_collection
from .reading import text_of
from .reading import visible_text as tagless

english = pytest.mark.usefixtures("in_english")


@pytest.fixture
def lead(db):
    return UserFactory(email="gardienne@example.org", first_name="Hélène", last_name="Gardienne")


@pytest.fixture
def collection(lead):
    return labelled_collection(lead=lead)


def page_of(collection):
    return reverse("labels_holders:collection", args=[collection.pk])


def posted(collection, **changes):
    """The edit form as a holder sends it: the record as it stands, with `changes`."""
    record = {**record_of(collection), **changes}
    return {**RecordForm.data_of(record), "version": str(collection.version)}


def visible_text(response):
    return html.unescape(tagless(response))


def link_in(mail):
    return re.search(r"https?://\S+/invitations/\S+/", mail.body).group(0)


# The page and who reads it


@english
def test_the_holder_reads_the_record_its_history_and_its_label_periods(client, lead, collection):
    client.force_login(lead)
    text = visible_text(client.get(page_of(collection)))
    assert "History of science collection" in text
    assert "Bibliothèque universitaire" in text
    assert "Hélène Gardienne (Lead holder)" in text
    assert "Version 1 – Label decision, no one named" in text
    assert "First label CollEx labelling campaign LBL-TEST-" in text


@pytest.mark.parametrize("persona", ["other_applicant", "reviewer", "council_member"])
def test_whoever_does_not_keep_it_gets_a_404(client, collection, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_of(collection)).status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in(client, collection):
    response = client.get(page_of(collection))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# Editing, versions


@english
def test_a_holders_edit_is_a_new_version_with_what_changed(client, lead, collection):
    client.force_login(lead)
    response = client.post(page_of(collection), posted(collection, service="Réserve précieuse"))
    assert response.status_code == 302
    collection.refresh_from_db()
    assert collection.service == "Réserve précieuse" and collection.version == 2
    version = RecordVersion.objects.get(collection=collection, number=2)
    assert version.author == lead and version.source == "holder"
    text = visible_text(client.get(page_of(collection)))
    assert "Version 2 – Holder's edit, Hélène Gardienne" in text
    assert "Library or archive service Bibliothèque universitaire Réserve précieuse" in text


@english
def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, lead, collection):
    form = posted(collection, service="Ma version")
    update_record(collection, lead, record_of(collection) | {"city": "Lyon"}, 1)
    client.force_login(lead)
    response = client.post(page_of(collection), form)
    assert response.status_code == 409
    text = text_of(response)
    assert "Someone saved this record after you opened it" in text
    assert 'value="Ma version"' in text
    assert "City Paris Lyon" in visible_text(response)  # the other person's change
    assert 'name="version" value="2"' in text
    collection.refresh_from_db()
    assert collection.service == "Bibliothèque universitaire" and collection.version == 2
    # Saved again from that page: both changes are kept.
    again = client.post(page_of(collection), {**form, "city": "Lyon", "version": "2"})
    assert again.status_code == 302
    collection.refresh_from_db()
    assert (collection.service, collection.city, collection.version) == ("Ma version", "Lyon", 3)


@english
def test_a_missing_name_is_said_beside_its_field_and_in_the_summary(client, lead, collection):
    client.force_login(lead)
    response = client.post(page_of(collection), posted(collection, name_fr=""))
    assert response.status_code == 400
    text = text_of(response)
    assert 'href="#id_name_fr"' in text and "error-summary" in text
    assert RecordVersion.objects.filter(collection=collection).count() == 1


@english
def test_after_a_lapse_the_holder_reads_the_record_without_a_form(client, lead):
    lapsed = labelled_collection(
        lead=lead, decided_on=paris_today() - dt.timedelta(days=800), months=24
    )
    client.force_login(lead)
    text = visible_text(client.get(page_of(lapsed)))
    assert "The label expired on" in text and "Save the record" not in text
    response = client.post(page_of(lapsed), posted(lapsed, service="Trop tard"))
    assert response.status_code == 400
    assert "You cannot change this collection's record." in visible_text(response)
    lapsed.refresh_from_db()
    assert lapsed.service == "Bibliothèque universitaire"


@pytest.mark.parametrize("versions", [1, 5])
def test_the_page_costs_the_same_whatever_the_number_of_versions(
    client, lead, collection, versions, django_assert_num_queries
):
    for number in range(1, versions):
        update_record(collection, lead, record_of(collection) | {"city": f"Ville {number}"}, number)
    client.force_login(lead)
    client.get(page_of(collection))
    with django_assert_num_queries(26):
        response = client.get(page_of(collection))
    assert text_of(response).count("record-version ") == versions


# Invitations


@english
def test_an_invitation_makes_the_invited_account_a_holder_once(
    client, lead, collection, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("labels_holders:invite", args=[collection.pk]), {"email": "Adjoint@Example.org"}
        )
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["adjoint@example.org"] and "History of science collection" in mail.subject
    path = urlsplit(link_in(mail)).path
    token = path.rstrip("/").rsplit("/", 1)[-1]
    # The invitation keeps the token's hash, never the token.
    assert HolderInvitation.objects.get().token_hash == holders.token_hash(token) != token
    invited = UserFactory(email="adjoint@example.org")
    client.force_login(invited)
    assert "Accept and keep the record" in visible_text(client.get(path))
    assert client.post(path).status_code == 302
    holding = CollectionHolder.objects.get(collection=collection, user=invited)
    assert holding.role == HolderRole.INVITED and holding.added_by == lead
    assert client.get(page_of(collection)).status_code == 200
    again = visible_text(client.get(path))
    assert "This invitation has already been used" in again


@english
def test_only_the_account_of_the_invited_address_accepts(client, lead, collection):
    holders.invite_holder(collection, lead, "adjoint@example.org")
    token = "jeton-de-test"
    HolderInvitation.objects.update(token_hash=holders.token_hash(token))
    client.force_login(UserFactory(email="autre@example.org"))
    path = reverse("labels_holders:invitation", args=[token])
    assert "you are signed in as autre@example.org" in visible_text(client.get(path))
    client.post(path)
    assert not CollectionHolder.objects.filter(user__email="autre@example.org").exists()


@english
def test_an_already_holder_is_not_invited_and_a_wrong_link_is_a_404(client, lead, collection):
    with pytest.raises(holders.HolderError, match="already keeps"):
        holders.invite_holder(collection, lead, "GARDIENNE@example.org")
    response = client.get(reverse("labels_holders:invitation", args=["pas-un-jeton"]))
    assert response.status_code == 404 and "not valid" in visible_text(response)


def test_an_outsider_or_a_lapsed_holder_cannot_invite(lead, other_applicant):
    lapsed = labelled_collection(
        lead=lead, decided_on=paris_today() - dt.timedelta(days=800), months=24
    )
    for person in (other_applicant, lead):
        with pytest.raises(holders.HolderError):
            holders.invite_holder(lapsed, person, "adjoint@example.org")
    assert not HolderInvitation.objects.exists()


@english
def test_an_invitation_cannot_be_accepted_once_the_label_lapsed(client, lead, collection):
    invitation = holders.invite_holder(collection, lead, "adjoint@example.org")
    token = "jeton-de-test"
    HolderInvitation.objects.filter(pk=invitation.pk).update(token_hash=holders.token_hash(token))
    collection.expires_on = paris_today() - dt.timedelta(days=1)
    collection.save(update_fields=["expires_on"])
    invited = UserFactory(email="adjoint@example.org")

    with pytest.raises(holders.HolderError, match="label has lapsed"):
        holders.accept_invitation(token, invited)
    client.force_login(invited)
    path = reverse("labels_holders:invitation", args=[token])
    assert "This collection's label has lapsed" in visible_text(client.get(path))
    assert not CollectionHolder.objects.filter(user=invited).exists()


# Removing an invited holder


@english
def test_the_lead_removes_an_invited_holder_after_a_confirmation(client, lead, collection):
    invited = UserFactory(email="adjoint@example.org", first_name="Paul", last_name="Adjoint")
    holding = CollectionHolder.objects.create(
        collection=collection, user=invited, role=HolderRole.INVITED, added_by=lead
    )
    remove = reverse("labels_holders:remove_holder", args=[collection.pk, holding.pk])
    client.force_login(invited)
    assert client.get(remove).status_code == 404
    client.force_login(lead)
    assert "Remove Paul Adjoint" in visible_text(client.get(page_of(collection)))
    assert "will no longer keep the record" in visible_text(client.get(remove))
    assert CollectionHolder.objects.filter(pk=holding.pk).exists()
    client.post(remove)
    assert not CollectionHolder.objects.filter(pk=holding.pk).exists()
    lead_holding = CollectionHolder.objects.get(user=lead)
    lead_remove = reverse("labels_holders:remove_holder", args=[collection.pk, lead_holding.pk])
    assert client.get(lead_remove).status_code == 404


# My collections


@english
def test_my_applications_lists_the_collections_one_keeps_with_their_label(client, lead):
    labelled_collection(lead=lead, name_fr="Fonds durable", name_en="")
    labelled_collection(lead=lead, name_fr="Fonds bientôt", name_en="", months=3)
    labelled_collection(
        lead=lead,
        name_fr="Fonds échu",
        name_en="",
        decided_on=paris_today() - dt.timedelta(days=800),
        months=24,
    )
    labelled_collection(name_fr="Fonds d'un autre", name_en="")
    client.force_login(lead)
    text = visible_text(client.get(reverse("applications:mine")))
    assert "My collections" in text
    assert "Fonds échu" in text and "Label expired" in text
    assert "Fonds bientôt" in text and "Label ending soon" in text
    assert "Fonds durable" in text and "Fonds d'un autre" not in text
    assert text.index("Fonds échu") < text.index("Fonds bientôt") < text.index("Fonds durable")


def test_no_section_for_someone_who_keeps_nothing(client, other_applicant):
    client.force_login(other_applicant)
    assert "my-collections" not in text_of(client.get(reverse("applications:mine")))


def test_the_page_reads_in_french_with_french_dates(client, lead, collection):
    client.force_login(lead)
    text = visible_text(client.get(page_of(collection)))
    assert "Modifier la fiche" in text and "Historique de la fiche" in text
    assert "Version 1 – Décision de labellisation" in text
    assert "Hélène Gardienne (Détenteur principal)" in text
    assert "Première labellisation" in text and "label valable jusqu’au" in text


def test_the_lead_no_longer_removes_a_holder_once_the_label_lapsed(lead):
    lapsed = labelled_collection(
        lead=lead, decided_on=paris_today() - dt.timedelta(days=800), months=24
    )
    holding = CollectionHolder.objects.create(
        collection=lapsed, user=UserFactory(), role=HolderRole.INVITED, added_by=lead
    )
    with pytest.raises(holders.HolderError):
        holders.remove_holder(lapsed, lead, holding.pk)
    assert CollectionHolder.objects.filter(pk=holding.pk).exists()
