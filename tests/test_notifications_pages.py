"""The inbox and its header badge, the preferences page, the staff delivery log and resending,
with who may see what."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.facts import application_facts
from notifications.events import Event
from notifications.models import Delivery, DeliveryState, EmailMode, Message, Preference
from notifications.services import notify

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def tell(user, count=1, event=Event.APPLICATION_REOPENED):
    application = ApplicationFactory(lead=user, title="Photographies d'Afrique")
    messages = []
    for _ in range(count):
        messages += notify(
            event, [user], {"application": application_facts(application), "reason": "Budget"}
        )
    return messages


def english(name, *args):
    """The English page's address: its text does not depend on the French catalogue."""
    with translation.override("en"):
        return reverse(name, args=args)


def message_queries(queries):
    return [query["sql"] for query in queries if "notifications_message" in query["sql"]]


# The inbox


def test_the_inbox_lists_my_messages_newest_first_and_no_one_elses(
    client, applicant, other_applicant
):
    first, second = tell(applicant, 2)
    tell(other_applicant)
    client.force_login(applicant)

    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assert [message.pk for message in response.context["page"]] == [second.pk, first.pk]
    assert first.title in response.text


def test_visitors_are_sent_to_the_login_page(client, applicant):
    [message] = tell(applicant)
    for url in (
        reverse("notifications:inbox"),
        reverse("notifications:message", args=[message.pk]),
        reverse("notifications:preferences"),
        reverse("notifications:delivery_log"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_opening_a_message_marks_it_read_for_its_recipient_only(
    client, applicant, other_applicant, programme_manager
):
    [message] = tell(applicant)
    url = reverse("notifications:message", args=[message.pk])

    for outsider in (other_applicant, programme_manager):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(reverse("notifications:mark_read", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None

    client.force_login(applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert message.text.splitlines()[0] in response.text
    message.refresh_from_db()
    assert message.read_at is not None


def test_mark_one_and_mark_all_as_read(client, applicant, other_applicant):
    one, two, three = tell(applicant, 3)
    [theirs] = tell(other_applicant)
    client.force_login(applicant)

    assert client.get(reverse("notifications:mark_read", args=[one.pk])).status_code == 405
    response = client.post(reverse("notifications:mark_read", args=[one.pk]))
    assert response.status_code == 302
    assert Message.objects.inbox(applicant).unread().count() == 2

    response = client.post(english("notifications:mark_all_read"), follow=True)
    assert "Every message is marked as read." in response.text
    assert Message.objects.inbox(applicant).unread().count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_account_emails_and_digests_are_not_in_the_inbox(client, applicant):
    Message.objects.create(
        event="account", email=applicant.email, language="fr", subject="s", text="t"
    )
    digest = Message.objects.create(
        event="digest",
        user=applicant,
        email=applicant.email,
        language="fr",
        subject="d",
        text="t",
        in_inbox=False,
    )
    client.force_login(applicant)
    assert list(client.get(reverse("notifications:inbox")).context["page"]) == []
    assert client.get(reverse("notifications:message", args=[digest.pk])).status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_the_inbox_query_count_does_not_grow_with_the_messages(
    client, applicant, count, django_assert_max_num_queries
):
    tell(applicant, count)
    client.force_login(applicant)
    client.get(reverse("notifications:inbox"))  # the first page creates the site settings

    # Session, user, site and its settings, two for permissions (the header's admin link), the
    # count of messages, the unread count (once for the header and the page), the page itself.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("notifications:inbox"))

    assert len(response.context["page"].object_list) == min(count, 25)


# The header badge


def test_the_header_shows_my_unread_count_with_one_query(client, applicant):
    tell(applicant, 3)
    Message.objects.filter(pk=Message.objects.first().pk).update(read_at="2026-01-01T00:00Z")
    client.force_login(applicant)
    client.get(reverse("calls:list"))  # the site settings are created on the first page

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("calls:list"))

    assert response.status_code == 200
    assert 'class="badge rounded-pill text-bg-primary unread-badge">2<' in response.text
    assert len(message_queries(queries.captured_queries)) == 1


def test_no_badge_and_no_query_for_visitors(client, applicant):
    tell(applicant)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("calls:list"))
    assert "unread-badge" not in response.text
    assert message_queries(queries.captured_queries) == []


def test_no_badge_when_everything_is_read(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("calls:list"))
    assert "unread-badge" not in response.text
    assert reverse("notifications:inbox") in response.text


# Preferences


def test_preferences_are_saved_per_kind(client, applicant):
    client.force_login(applicant)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert 'name="eligibility_result"' in page.text
    assert 'name="application_submitted"' not in page.text  # mandatory: shown, not a choice

    data = {event.value: "immediate" for event in Event}
    data.update(eligibility_result="digest", review_late="off")
    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 302
    assert dict(Preference.objects.filter(user=applicant).values_list("event", "email_mode")) == {
        "eligibility_result": EmailMode.DIGEST,
        "review_late": EmailMode.OFF,
    }
    page = client.get(reverse("notifications:preferences"))
    assert 'name="eligibility_result" id="id_eligibility_result_1" value="digest" checked' in (
        page.text
    )
    assert 'name="review_late" id="id_review_late_2" value="off" checked' in page.text


@pytest.mark.parametrize("mode", ["off", "digest"])
def test_the_form_refuses_to_turn_off_a_mandatory_kind(client, applicant, mode):
    client.force_login(applicant)
    data = {event.value: "immediate" for event in Event}
    data["application_submitted"] = mode

    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["application_submitted"]
    assert not Preference.objects.exists()


# The delivery log (programme managers and administrators)


@pytest.fixture
def log(applicant, other_applicant):
    sent = tell(applicant)[0].deliveries.get()
    Delivery.objects.filter(pk=sent.pk).update(state=DeliveryState.SENT, attempts=1)
    failed = tell(other_applicant)[0].deliveries.get()
    Delivery.objects.filter(pk=failed.pk).update(
        state=DeliveryState.FAILED, attempts=8, last_error="SMTPDataError: 451 try later"
    )
    return sent, failed


@pytest.mark.parametrize("persona", ["programme_manager", "administrator"])
def test_staff_read_the_delivery_log(client, request, log, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("notifications:delivery_log"))

    assert response.status_code == 200
    assert "SMTPDataError: 451 try later" in response.text
    assert "autre@example.org" in response.text and "porteuse@example.org" in response.text
    failed_only = client.get(reverse("notifications:delivery_log"), {"state": "failed"})
    assert [delivery.to for delivery in failed_only.context["page"]] == ["autre@example.org"]


@pytest.mark.parametrize("persona", ["applicant", "reviewer", "council_member"])
def test_others_cannot_read_the_log_or_resend(client, request, log, persona):
    sent, _failed = log
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("notifications:delivery_log")).status_code == 404
    response = client.post(reverse("notifications:resend", args=[sent.message_id]))
    assert response.status_code == 404
    assert Delivery.objects.count() == 2


def test_resending_makes_a_new_logged_delivery(
    client, log, programme_manager, django_capture_on_commit_callbacks
):
    _sent, failed = log
    client.force_login(programme_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:resend", args=[failed.message_id]))

    assert response.status_code == 302
    again = Delivery.objects.exclude(pk__in=[delivery.pk for delivery in log]).get()
    assert again.message_id == failed.message_id
    assert again.requested_by == programme_manager
    assert again.state == DeliveryState.SENT
    failed.refresh_from_db()
    assert failed.state == DeliveryState.FAILED  # the old attempt stays as it was
    [email] = mail.outbox
    assert email.to == ["autre@example.org"]
    page = client.get(english("notifications:delivery_log"))
    assert f"resent by {programme_manager}" in page.text


def test_resend_is_a_post(client, log, programme_manager):
    client.force_login(programme_manager)
    assert client.get(reverse("notifications:resend", args=[log[0].message_id])).status_code == 405


@pytest.mark.parametrize("count", [2, 60])
def test_the_log_query_count_does_not_grow_with_the_deliveries(
    client, programme_manager, applicant, count, django_assert_max_num_queries
):
    tell(applicant, count)
    client.force_login(programme_manager)
    client.get(reverse("notifications:delivery_log"))  # the first page creates the site settings

    # Session, user, site and its settings, two for permissions, the count of deliveries, the
    # page of them with their messages and who resent them, the header's unread count.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("notifications:delivery_log"))

    assert len(response.context["page"].object_list) == min(count, 50)
