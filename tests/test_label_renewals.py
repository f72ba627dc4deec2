"""Label renewals: staff's campaigns invite the holders of expiring labels, a holder starts a
renewal application pre-filled with the current record, and an unrenewed label lapses at its
expiry (recorded once, its holders told)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationState
from applications.renewals import start_renewal
from applications.services import ApplicationError, submit_application
from calls.models import CallKind
from labels.lapses import ANNOUNCED_WITHIN_DAYS, record_lapses
from labels.models import LapseNotice, RenewalInvitation
from labels.records import record_of
from labels.renewals import (
    Renewal,
    RenewalError,
    RenewalState,
    invitations_of,
    start_campaign,
)
from labels.status import LabelState, label_state, paris_today
from labels.tasks import record_lapses as record_lapses_task
from notifications.events import Event
from notifications.models import Message

from .factories import (
    CallFactory,
    InstitutionFactory,
    UserFactory,
    collection_record,
    completed,
    labelled_collection,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def label_call(**kwargs):
    return CallFactory(
        kind=CallKind.LABEL, label_duration_months=60, envelope=Decimal("0"), **kwargs
    )


def expiring_on(day, **changes):
    collection = labelled_collection(**changes)
    collection.expires_on = day
    collection.save(update_fields=["expires_on"])
    return collection


@pytest.fixture
def today():
    return paris_today()


# Campaigns


def test_a_campaign_invites_the_expiring_collections_once(programme_manager, today):
    call = label_call()
    soon = expiring_on(today + 30 * DAY, name_fr="Fonds bientôt")
    edge = expiring_on(today + 90 * DAY, name_fr="Fonds au bord")
    later = expiring_on(today + 91 * DAY, name_fr="Fonds plus tard")
    lapsed = expiring_on(today - DAY, name_fr="Fonds échu")

    made = start_campaign(call, today + 90 * DAY, programme_manager)
    again = start_campaign(call, today + 90 * DAY, programme_manager)

    assert {invitation.collection for invitation in made} == {soon, edge}
    assert again == []
    assert RenewalInvitation.objects.count() == 2
    assert not later.renewal_invitations.exists()
    assert not lapsed.renewal_invitations.exists()  # its holders renew from their page
    told = Message.objects.filter(event=Event.LABEL_RENEWAL_INVITED)
    assert told.count() == 2  # each lead once, the second run told nobody


def test_holders_are_told_in_their_language_with_the_link_to_apply(programme_manager, today):
    english = UserFactory(language="en")
    french = UserFactory(language="fr")
    collection = expiring_on(today + 30 * DAY, lead=french)
    collection.holdings.create(user=english, role="invited")
    call = label_call(title_fr="Labellisation 2027", title_en="Labelling 2027")

    start_campaign(call, today + 60 * DAY, programme_manager)

    messages = {m.user: m for m in Message.objects.filter(event=Event.LABEL_RENEWAL_INVITED)}
    assert set(messages) == {english, french}
    assert messages[english].language == "en" and messages[french].language == "fr"
    assert "Labelling 2027" in messages[english].text
    assert "Labellisation 2027" in messages[french].text
    assert f"/en/calls/{call.slug}/renew/{collection.pk}/" in messages[english].text
    assert collection.code in messages[english].text


@pytest.mark.parametrize(
    "call_kwargs",
    [{"kind": CallKind.PROJECTS}, {"closed": True}, {"draft": True}],
    ids=["not a label call", "closed", "unpublished"],
)
def test_a_campaign_needs_an_open_or_upcoming_label_call(programme_manager, today, call_kwargs):
    expiring_on(today + 30 * DAY)
    call = CallFactory(**{"kind": CallKind.LABEL, "label_duration_months": 60, **call_kwargs})

    with pytest.raises(RenewalError):
        start_campaign(call, today + 60 * DAY, programme_manager)
    assert not RenewalInvitation.objects.exists()


def test_the_rule_says_which_calls_take_a_campaign_and_the_form_lists_those(
    client, programme_manager
):
    open_call = label_call(title_fr="Labellisation ouverte")
    upcoming = label_call(upcoming=True, title_fr="Labellisation prochaine")
    closed = label_call(closed=True, title_fr="Labellisation close")
    projects = CallFactory(kind=CallKind.PROJECTS, title_fr="Projets ouverts")

    allowed = {
        call.title_fr
        for call in (open_call, upcoming, closed, projects)
        if programme_manager.has_perm("labels.start_renewals", call)
    }
    client.force_login(programme_manager)
    page = client.get(reverse("labels_renewals:campaigns")).content.decode()

    assert allowed == {"Labellisation ouverte", "Labellisation prochaine"}
    assert "Labellisation ouverte" in page and "Labellisation prochaine" in page
    assert "Labellisation close" not in page and "Projets ouverts" not in page


def test_only_who_manages_the_registry_starts_a_campaign(applicant, today):
    expiring_on(today + 30 * DAY)
    with pytest.raises(RenewalError):
        start_campaign(label_call(), today + 60 * DAY, applicant)


# The staff's pages


def test_staff_see_who_will_be_invited_then_start_and_follow_the_campaign(
    client, programme_manager, today
):
    call = label_call(title_fr="Labellisation 2027")
    expiring_on(today + 30 * DAY, name_fr="Fonds bientôt")
    expiring_on(today + 400 * DAY, name_fr="Fonds tranquille")
    client.force_login(programme_manager)
    url = reverse("labels_renewals:campaigns")
    chosen = {"call": call.pk, "expiring_by": (today + 60 * DAY).isoformat()}

    preview = client.get(url, chosen).content.decode()
    response = client.post(url, chosen)

    assert "Fonds bientôt" in preview and "Fonds tranquille" not in preview
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Fonds bientôt" in page
    assert str(RenewalState.INVITED.label) in page
    assert "Labellisation 2027" in client.get(url).content.decode()


def test_others_do_not_reach_the_campaigns(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("labels_renewals:campaigns")).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_the_campaign_page_costs_the_same_at_any_size(
    client, programme_manager, today, django_assert_num_queries, size
):
    institution = InstitutionFactory()
    for number in range(size):
        expiring_on(
            today + 30 * DAY,
            record=collection_record(institution=institution, name_fr=f"Fonds {number:02d}"),
        )
    [first, *_] = start_campaign(label_call(), today + 60 * DAY, programme_manager)
    client.force_login(programme_manager)
    url = reverse("labels_renewals:campaign", args=[first.campaign_id])
    client.get(url)

    with django_assert_num_queries(9):
        response = client.get(url)

    assert response.content.decode().count('class="renewal-state"') == size


@pytest.mark.parametrize("size", [2, 12])
def test_the_campaigns_list_costs_the_same_at_any_size(
    client, programme_manager, today, django_assert_num_queries, size
):
    for number in range(size):
        expiring_on(today + (number + 1) * DAY)
        start_campaign(label_call(), today + (number + 1) * DAY, programme_manager)
    client.force_login(programme_manager)
    url = reverse("labels_renewals:campaigns")
    client.get(url)

    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.content.decode().count('<th scope="row"><a href=') == size


# The holder's renewal application


@pytest.fixture
def invited(programme_manager, today):
    lead = UserFactory()
    expiring_on(today + 30 * DAY, lead=lead, name_fr="Fonds Darwin")
    [invitation] = start_campaign(label_call(), today + 60 * DAY, programme_manager)
    return invitation, lead


def test_the_renewal_draft_starts_with_the_current_record_and_is_found_again(client, invited):
    invitation, lead = invited
    collection = invitation.collection
    client.force_login(lead)
    url = reverse("applications:renew", args=[invitation.call.slug, collection.pk])

    assert client.get(url).status_code == 200
    first = client.post(url)
    second = client.post(url)

    [application] = Application.objects.filter(call=invitation.call)
    assert (
        first.url == second.url == reverse("applications:collection_record", args=[application.pk])
    )
    assert application.lead == lead and application.collection == collection
    assert application.collection_record == record_of(collection)
    assert application.title == "Fonds Darwin"
    assert application.state == ApplicationState.DRAFT


def test_others_cannot_start_a_renewal(client, invited, other_applicant, programme_manager):
    invitation, _lead = invited
    url = reverse("applications:renew", args=[invitation.call.slug, invitation.collection_id])
    for person in (other_applicant, programme_manager):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not Application.objects.filter(call=invitation.call).exists()


def test_no_renewal_before_the_call_opens(programme_manager, today):
    lead = UserFactory()
    expiring_on(today + 30 * DAY, lead=lead)
    [invitation] = start_campaign(label_call(upcoming=True), today + 60 * DAY, programme_manager)

    with pytest.raises(ApplicationError):
        start_renewal(lead, invitation)
    assert not Application.objects.filter(call=invitation.call).exists()


# Renewing without an invitation: from the holder's pages, whenever a label call is open


@pytest.mark.parametrize("expires_in_days", [400, -30], ids=["labelled", "lapsed"])
def test_a_holder_renews_from_their_page_whenever_a_label_call_is_open(
    client, today, expires_in_days
):
    lead = UserFactory()
    collection = expiring_on(today + expires_in_days * DAY, lead=lead, name_fr="Fonds Buffon")
    call = label_call(title_fr="Labellisation 2027")
    client.force_login(lead)
    renew = reverse("applications:renew", args=[call.slug, collection.pk])

    holder_page = client.get(reverse("labels_holders:collection", args=[collection.pk]))
    my_page = client.get(reverse("applications:mine"))
    response = client.post(renew)

    for page, link in ((holder_page, "collection-renewal"), (my_page, "my-collection-renew")):
        assert link in page.content.decode()
        assert f'href="{renew}"' in page.content.decode()
    [application] = Application.objects.filter(call=call)
    assert response.url == reverse("applications:collection_record", args=[application.pk])
    assert application.collection == collection and application.lead == lead
    assert application.collection_record == record_of(collection)
    assert not RenewalInvitation.objects.exists()


def test_no_renew_link_without_an_open_label_call(client, today):
    lead = UserFactory()
    collection = expiring_on(today + 30 * DAY, lead=lead)
    upcoming = label_call(upcoming=True)
    CallFactory(kind=CallKind.PROJECTS)
    client.force_login(lead)

    holder_page = client.get(reverse("labels_holders:collection", args=[collection.pk]))
    my_page = client.get(reverse("applications:mine"))

    assert "collection-renewal" not in holder_page.content.decode()
    assert "my-collection-renew" not in my_page.content.decode()
    assert "my-collection" in my_page.content.decode()  # the section is there, no link
    with pytest.raises(ApplicationError):
        start_renewal(lead, Renewal(collection, upcoming))


def test_only_a_holder_renews_a_collection(client, today, other_applicant):
    collection = expiring_on(today + 30 * DAY)
    call = label_call()
    renew = reverse("applications:renew", args=[call.slug, collection.pk])
    client.force_login(other_applicant)

    assert client.get(renew).status_code == 404
    assert client.post(renew).status_code == 404
    with pytest.raises(ApplicationError):
        start_renewal(other_applicant, Renewal(collection, call))
    assert not Application.objects.filter(call=call).exists()


# Lapses


def test_a_label_lapses_the_day_after_its_expiry_once(today):
    holder = UserFactory()
    collection = expiring_on(today - DAY, lead=holder)
    renewed_in_time = expiring_on(today)

    assert record_lapses(today=today - DAY) == []  # its last day: still labelled
    [notice] = record_lapses(today=today)
    assert record_lapses(today=today) == []
    assert record_lapses_task.apply().get() == 0

    assert notice.collection == collection and notice.expired_on == today - DAY
    assert LapseNotice.objects.count() == 1
    assert label_state(collection, today) == LabelState.EXPIRED
    assert label_state(renewed_in_time, today) != LabelState.EXPIRED
    [message] = Message.objects.filter(event=Event.LABEL_LAPSED)
    assert message.user == holder and collection.code in message.text


def test_an_old_lapse_is_recorded_without_telling_the_holders(today):
    recent = expiring_on(today - ANNOUNCED_WITHIN_DAYS * DAY, name_fr="Fonds récent")
    old = expiring_on(today - (ANNOUNCED_WITHIN_DAYS + 1) * DAY, name_fr="Fonds ancien")
    ancient = expiring_on(today - 3 * 365 * DAY, name_fr="Fonds d'autrefois")

    notices = record_lapses(today=today)

    assert {notice.collection for notice in notices} == {recent, old, ancient}
    [message] = Message.objects.filter(event=Event.LABEL_LAPSED)
    assert recent.code in message.text
    assert label_state(ancient, today) == LabelState.EXPIRED


def test_an_invitation_shows_the_lapse(programme_manager, today):
    collection = expiring_on(today + 10 * DAY)
    [invitation] = start_campaign(label_call(), today + 30 * DAY, programme_manager)

    [shown] = invitations_of(invitation.campaign, today=today + 11 * DAY)

    assert shown.collection == collection and shown.renewal_state == RenewalState.LAPSED


def withdrawn(application):
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.WITHDRAWN)


def submitted(application, lead):
    completed(application)
    submit_application(application, lead)
    return application


@pytest.mark.parametrize(
    "progress, state",
    [
        ("nothing", RenewalState.LAPSED),
        ("draft", RenewalState.STARTED),
        ("draft withdrawn", RenewalState.LAPSED),
        ("submitted", RenewalState.APPLIED),
        ("submitted then withdrawn", RenewalState.LAPSED),
    ],
)
def test_a_lapsed_invitation_shows_how_far_its_renewal_went(
    programme_manager, today, progress, state
):
    lead = UserFactory()
    expiring_on(today + 10 * DAY, lead=lead)
    [invitation] = start_campaign(label_call(), today + 30 * DAY, programme_manager)
    if progress != "nothing":
        application = start_renewal(lead, invitation)
    if progress.startswith("submitted"):
        submitted(application, lead)
    if progress.endswith("withdrawn"):
        withdrawn(application)

    [shown] = invitations_of(invitation.campaign, today=today + 11 * DAY)

    assert shown.renewal_state == state


@pytest.mark.parametrize(
    "progress, state",
    [
        ("nothing", RenewalState.INVITED),
        ("draft", RenewalState.STARTED),
        ("draft withdrawn", RenewalState.INVITED),
        ("submitted", RenewalState.APPLIED),
    ],
)
def test_a_running_invitation_shows_how_far_its_renewal_went(
    programme_manager, today, progress, state
):
    lead = UserFactory()
    expiring_on(today + 10 * DAY, lead=lead)
    [invitation] = start_campaign(label_call(), today + 30 * DAY, programme_manager)
    if progress != "nothing":
        application = start_renewal(lead, invitation)
    if progress == "submitted":
        submitted(application, lead)
    if progress.endswith("withdrawn"):
        withdrawn(application)

    [shown] = invitations_of(invitation.campaign, today=today)

    assert shown.renewal_state == state


# From invitation to renewed label


def test_a_renewal_decided_labelled_extends_the_same_collection(programme_manager, today):
    from decisions.models import Outcome
    from decisions.services import record_decision

    lead = UserFactory()
    collection = expiring_on(today + 30 * DAY, lead=lead)
    [invitation] = start_campaign(label_call(), today + 60 * DAY, programme_manager)
    application = start_renewal(lead, invitation)
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
    assert collection.expires_on > today + 30 * DAY
    assert collection.periods.count() == 2
    [shown] = invitations_of(invitation.campaign)
    assert shown.renewal_state == RenewalState.RENEWED


def test_beat_records_the_lapses_each_day(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "labels.tasks.record_lapses" in tasks
