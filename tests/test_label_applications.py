"""The applicant's side of labelled collections: a label application describes its collection
(a page of the draft, checked at submission, frozen in the receipt), and a call may ask which
labelled collections a project works on."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Institution
from applications.models import ApplicationState
from applications.receipts import receipt_context
from applications.services import SubmissionRefused, submit_application
from calls.models import CallKind
from labels.forms import RecordForm
from labels.records import LABELS

from .factories import (
    ApplicationFactory,
    CallFactory,
    InstitutionFactory,
    collection_record,
    completed,
    labelled_collection,
)

pytestmark = pytest.mark.django_db


def label_call(**kwargs):
    return CallFactory(
        kind=CallKind.LABEL, label_duration_months=60, envelope=Decimal("0"), **kwargs
    )


@pytest.fixture
def draft(applicant):
    application = ApplicationFactory(call=label_call(), lead=applicant, title="Fonds Darwin")
    completed(application)
    return application


def record_url(application):
    return reverse("applications:collection_record", args=[application.pk])


def posted(record, version, **changes):
    data = {**RecordForm.data_of(record), "version": str(version)}
    data.update(changes)
    return data


# The collection's page


def test_the_lead_describes_the_collection_and_it_is_saved(client, applicant, draft):
    record = collection_record()
    client.force_login(applicant)

    response = client.post(record_url(draft), posted(record, draft.version))

    assert response.status_code == 302
    assert response.url.endswith("#collection")
    draft.refresh_from_db()
    assert draft.collection_record == record
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert "collection-complete" in page
    assert "Fonds d&#x27;histoire des sciences" in page


def test_a_refused_value_is_said_beside_its_field_and_nothing_is_saved(client, applicant, draft):
    client.force_login(applicant)
    data = posted(collection_record(), draft.version, name_fr="", city="Lyon-la-typée")
    data["link_bnf"] = "pas une ark"

    response = client.post(record_url(draft), data)

    assert response.status_code == 400
    page = response.content.decode()
    # Each error beside its field (crispy's error ids), and listed at the top of the page.
    assert 'id="error_1_id_name_fr"' in page
    assert 'id="error_1_id_link_bnf"' in page
    assert 'href="#id_name_fr"' in page
    assert 'value="Lyon-la-typée"' in page  # what was typed comes back
    draft.refresh_from_db()
    assert draft.collection_record == {}


def test_a_stale_page_saves_nothing(client, applicant, draft):
    client.force_login(applicant)
    stale = draft.version
    client.post(record_url(draft), posted(collection_record(), stale))

    response = client.post(record_url(draft), posted(collection_record(), stale, city="Rennes"))

    assert response.status_code == 409
    assert "page-error" in response.content.decode()
    draft.refresh_from_db()
    assert draft.collection_record["city"] == "Paris"


def test_after_submission_the_description_reads_and_cannot_change(client, applicant, draft):
    draft.collection_record = collection_record()
    draft.save(update_fields=["collection_record"])
    submit_application(draft, applicant)
    client.force_login(applicant)

    page = client.get(record_url(draft)).content.decode()
    response = client.post(record_url(draft), posted(collection_record(), 99, city="Rennes"))

    assert f'<form method="post" action="{record_url(draft)}"' not in page
    assert "Bibliothèque universitaire" in page
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.collection_record["city"] == "Paris"


def test_others_do_not_reach_the_page_and_other_calls_have_none(
    client, applicant, other_applicant, draft
):
    client.force_login(other_applicant)
    assert client.get(record_url(draft)).status_code == 404
    client.force_login(applicant)
    project = ApplicationFactory(lead=applicant)
    assert client.get(record_url(project)).status_code == 404


# Submission


def test_submission_is_refused_while_the_description_is_incomplete_then_accepted(
    client, applicant, draft
):
    draft.collection_record = collection_record(name_fr="", disciplines=[])
    draft.save(update_fields=["collection_record"])

    with pytest.raises(SubmissionRefused) as refused:
        submit_application(draft, applicant)
    [message] = refused.value.problems["collection"]
    assert str(LABELS["name_fr"]) in message and str(LABELS["disciplines"]) in message
    client.force_login(applicant)
    summary = client.get(reverse("applications:summary", args=[draft.pk])).content.decode()
    assert f'href="{reverse("applications:edit", args=[draft.pk])}?check=1#collection"' in summary

    draft.refresh_from_db()
    complete = collection_record()
    draft.collection_record = complete
    draft.save(update_fields=["collection_record"])
    submission = submit_application(draft, applicant)

    assert draft.__class__.objects.get(pk=draft.pk).state == ApplicationState.SUBMITTED
    assert submission.content["collection"]["record"] == complete


def test_the_receipt_shows_the_description_as_it_was_received(applicant, draft):
    institution = InstitutionFactory(name="Université de Montpellier")
    draft.collection_record = collection_record(institution=institution)
    draft.save(update_fields=["collection_record"])
    submission = submit_application(draft, applicant)
    Institution.objects.filter(pk=institution.pk).update(name="Université renommée")

    rows = dict(receipt_context(submission)["collection_rows"])

    assert rows[str(LABELS["institution"])].startswith("Université de Montpellier")
    assert rows[str(LABELS["name_fr"])] == "Fonds d'histoire des sciences"


def test_staff_read_the_description_on_the_application(client, programme_manager, draft):
    draft.collection_record = collection_record()
    draft.save(update_fields=["collection_record"])
    client.force_login(programme_manager)

    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()

    assert 'id="collection-title"' in page
    assert "Sur rendez-vous, en salle de lecture." in page


# Collections used


@pytest.fixture
def project_draft(applicant):
    call = CallFactory(asks_for_collections=True)
    return ApplicationFactory(call=call, lead=applicant, title="Corpus de cartes")


def used_url(application):
    return reverse("applications:collections_used", args=[application.pk])


def yesterday():
    return timezone.localdate() - dt.timedelta(days=1)


def test_the_lead_picks_labelled_collections_and_they_are_shown_and_frozen(
    client, applicant, project_draft
):
    maps = labelled_collection(name_fr="Cartes anciennes")
    labelled_collection(name_fr="Archives ouvrières")
    lapsed = labelled_collection(name_fr="Fonds expiré")
    lapsed.expires_on = yesterday()
    lapsed.save(update_fields=["expires_on"])
    client.force_login(applicant)

    page = client.get(used_url(project_draft)).content.decode()
    assert "Cartes anciennes" in page and "Archives ouvrières" in page
    assert "Fonds expiré" not in page  # no longer labelled, and not named before
    response = client.post(
        used_url(project_draft), {"version": project_draft.version, "collections": [maps.pk]}
    )

    assert response.status_code == 302
    assert list(project_draft.collections_used.all()) == [maps]
    draft_page = client.get(reverse("applications:edit", args=[project_draft.pk]))
    assert f"Cartes anciennes ({maps.code})" in draft_page.content.decode()
    assert lapsed.pk  # created, never offered


def test_a_lapsed_collection_already_named_stays_listed_and_a_filter_narrows_the_rest(
    client, applicant, project_draft
):
    named = labelled_collection(name_fr="Fonds nommé")
    project_draft.collections_used.add(named)
    named.expires_on = yesterday()
    named.save(update_fields=["expires_on"])
    labelled_collection(name_fr="Cartes anciennes")
    labelled_collection(name_fr="Archives ouvrières")
    client.force_login(applicant)

    page = client.get(used_url(project_draft), {"q": "cartes"}).content.decode()

    assert "Fonds nommé" in page and "Cartes anciennes" in page
    assert "Archives ouvrières" not in page


def test_a_collection_not_offered_is_refused(client, applicant, project_draft):
    lapsed = labelled_collection(name_fr="Fonds expiré")
    lapsed.expires_on = yesterday()
    lapsed.save(update_fields=["expires_on"])
    client.force_login(applicant)

    client.post(
        used_url(project_draft), {"version": project_draft.version, "collections": [lapsed.pk]}
    )

    assert not project_draft.collections_used.exists()


def test_the_collections_used_are_in_the_snapshot_and_the_receipt(applicant, project_draft):
    maps = labelled_collection(name_fr="Cartes anciennes", name_en="Old maps")
    project_draft.collections_used.add(maps)
    completed(project_draft)

    submission = submit_application(project_draft, applicant)

    assert submission.content["collections_used"] == [
        {"code": maps.code, "name_fr": "Cartes anciennes", "name_en": "Old maps"}
    ]
    assert receipt_context(submission)["collections_used"] in (["Cartes anciennes"], ["Old maps"])


@pytest.mark.parametrize("size", [3, 30])
def test_the_collections_page_costs_the_same_at_any_registry_size(
    client, applicant, project_draft, django_assert_num_queries, size
):
    institution = InstitutionFactory()
    for number in range(size):
        labelled_collection(
            record=collection_record(institution=institution, name_fr=f"Fonds {number:03d}")
        )
    client.force_login(applicant)
    client.get(used_url(project_draft))  # sessions and caches warmed

    with django_assert_num_queries(10):
        response = client.get(used_url(project_draft))

    assert response.content.decode().count('name="collections"') == size


def test_reviewers_read_the_description_as_it_was_received(applicant, draft):
    from reviews.dossiers import submitted_dossier

    draft.collection_record = collection_record()
    draft.save(update_fields=["collection_record"])
    submit_application(draft, applicant)
    draft.collection_record = collection_record(city="Rennes")
    draft.save(update_fields=["collection_record"])

    rows = dict(submitted_dossier(draft).collections["collection_rows"])

    assert rows[str(LABELS["city"])] == "Paris"
