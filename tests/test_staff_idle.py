"""Staff and council sessions end after STAFF_IDLE_TIMEOUT (30 minutes) without a request, with a
word on the sign-in page; everyone else keeps the usual 14 days."""

import html
import time

import pytest
from django.test import Client
from django.urls import reverse

from .factories import ApplicationFactory, CallFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

CLOCK = "accounts_staff_seen"
SIGNED_OUT = "You were signed out after 30 minutes without activity"


def time_passes(client, minutes):
    """The session as it is `minutes` later, with no request meanwhile: every time it holds (the
    steps of signing in, the staff's idle clock) that much older."""
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= minutes * 60
    if CLOCK in session:
        session[CLOCK] -= minutes * 60
    session.save()


def signed_in(client):
    return "_auth_user_id" in client.session


def test_half_an_hour_without_a_request_ends_a_staff_session_and_not_an_applicants(
    programme_manager, applicant
):
    call = CallFactory(closed=True)
    ApplicationFactory(lead=applicant)
    staff, lead = Client(), Client()
    staff.force_login(programme_manager)
    lead.force_login(applicant)
    url = reverse("applications:call_applications", args=[call.slug])
    assert staff.get(url).status_code == 200

    time_passes(staff, 31)
    time_passes(lead, 31)
    ended = staff.get(url)

    assert ended.status_code == 302
    assert ended.url == f"{reverse('account_login')}?next={url}"
    assert not signed_in(staff)
    login = html.unescape(staff.get(ended.url).content.decode())
    assert SIGNED_OUT in login
    assert lead.get(reverse("applications:mine")).status_code == 200
    assert signed_in(lead)


def test_a_council_member_is_signed_out_on_the_public_site_too(client, council_member):
    client.force_login(council_member)
    time_passes(client, 31)

    response = client.get(reverse("calls:list"), follow=True)

    assert not signed_in(client)
    assert SIGNED_OUT in html.unescape(response.content.decode())


def test_each_request_moves_the_clock_on_at_most_once_a_minute(client, programme_manager):
    client.force_login(programme_manager)
    url = reverse("reviews:reviewers")
    started = client.session[CLOCK]

    client.get(url)
    assert client.session[CLOCK] == started  # written at sign-in, not again within a minute

    time_passes(client, 29)
    assert client.get(url).status_code == 200
    moved = client.session[CLOCK]
    assert abs(moved - time.time()) < 5
    client.get(url)
    assert client.session[CLOCK] == moved

    time_passes(client, 29)  # 58 minutes since signing in, but never 30 without a request
    assert client.get(url).status_code == 200
    assert signed_in(client)


def test_the_timeout_is_a_setting(client, programme_manager, settings):
    settings.STAFF_IDLE_TIMEOUT = 10 * 60
    client.force_login(programme_manager)
    time_passes(client, 11)

    response = client.get(reverse("reviews:reviewers"), follow=True)

    assert not signed_in(client)
    assert "You were signed out after 10 minutes without activity" in html.unescape(
        response.content.decode()
    )


def test_a_form_sent_after_the_timeout_leads_back_to_its_page(client, programme_manager):
    client.force_login(programme_manager)
    time_passes(client, 31)
    page = "http://testserver" + reverse("reviews:reviewers")

    response = client.post(reverse("reviews:reviewers"), {}, HTTP_REFERER=page)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    assert not signed_in(client)
