"""Sensitive actions ask staff to prove again who they are once their last sign-in is older than
ACCOUNT_REAUTHENTICATION_TIMEOUT (15 minutes): with the code of their authenticator app, and the
action asked for goes through afterwards, nothing lost."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from calls.models import CallKind
from decisions.models import Decision, Letter, LetterTemplate, Outcome

from .factories import ApplicationFactory, CallFactory, decided_application, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def time_passes(client, minutes):
    """The session as it is `minutes` later: each step of signing in that allauth recorded, and
    the staff's idle clock, that much older."""
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= minutes * 60
    if "accounts_staff_seen" in session:
        session["accounts_staff_seen"] -= minutes * 60
    session.save()


def prompt_for(url):
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': url})}"


@pytest.fixture
def decided():
    return decided_application(CallFactory(closed=True), "funded")


def test_a_letter_sent_after_fifteen_minutes_waits_for_the_code_then_goes(
    client, programme_manager, decided
):
    client.force_login(programme_manager)
    url = reverse("decisions:send_letter", args=[decided.pk])
    time_passes(client, 16)

    asked = client.post(url, {"confirm": "1"})

    assert asked.status_code == 302 and asked.url == prompt_for(url)
    assert not Letter.objects.exists()
    page = client.get(asked.url)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()

    sent = client.post(asked.url, {"code": totp_code()})

    assert sent.status_code == 302
    assert sent.url == reverse("decisions:letter_preview", args=[decided.pk])
    assert Letter.objects.get().decision == decided.decision


def test_right_after_signing_in_nothing_is_asked(client, programme_manager, decided):
    client.force_login(programme_manager)
    time_passes(client, 14)

    response = client.post(reverse("decisions:send_letter", args=[decided.pk]), {"confirm": "1"})

    assert response.url == reverse("decisions:letter_preview", args=[decided.pk])
    assert Letter.objects.count() == 1


def test_with_a_device_the_password_is_not_enough(client, programme_manager, decided):
    client.force_login(programme_manager)
    time_passes(client, 16)

    response = client.get(reverse("account_reauthenticate"))

    assert response.status_code == 302 and response.url.startswith(reverse("mfa_reauthenticate"))


def test_a_decision_and_a_call_batch_wait_for_the_code_but_their_pages_open(
    client, programme_manager
):
    call = CallFactory(closed=True)
    application = ApplicationFactory(call=call, complete=True, state="eligible")
    client.force_login(programme_manager)
    time_passes(client, 16)
    decision_url = reverse("decisions:application", args=[application.pk])
    batch_url = reverse("decisions:send_call_letters", args=[call.slug])

    assert client.get(decision_url).status_code == 200
    assert client.get(reverse("decisions:call", args=[call.slug])).status_code == 200
    asked = client.post(
        decision_url,
        {
            "step": "decision",
            "decision-outcome": Outcome.REJECTED,
            "decision-body": "members_council",
            "decision-meeting_date": "2026-06-01",
            "decision-motivation": "Hors du périmètre.",
        },
    )
    assert asked.url == prompt_for(decision_url)
    assert client.post(batch_url).url == prompt_for(batch_url)
    assert not Decision.objects.exists()


def test_the_auditors_zip_waits_for_the_code(client, programme_manager):
    application = ApplicationFactory(call=CallFactory(), complete=True)
    client.force_login(programme_manager)
    url = reverse("audit:dossier_zip", args=[application.pk])
    time_passes(client, 16)

    asked = client.get(url)
    assert asked.url == prompt_for(url)
    back = client.post(asked.url, {"code": totp_code()})
    assert back.url == url
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


def test_the_users_and_groups_of_the_admin_wait_for_the_code(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/users/").status_code == 200
    time_passes(client, 16)

    assert client.get("/admin/").status_code == 200
    for url in ("/admin/users/", "/admin/groups/", f"/admin/users/edit/{administrator.pk}/"):
        assert client.get(url).url == prompt_for(url)
    client.post(prompt_for("/admin/users/"), {"code": totp_code()})
    assert client.get("/admin/groups/").status_code == 200


def test_a_letter_template_saved_after_the_timeout_is_saved_once_the_code_is_typed(
    client, programme_manager
):
    client.force_login(programme_manager)
    time_passes(client, 16)
    url = reverse("wagtailsnippets_decisions_lettertemplate:add")

    asked = client.post(
        url,
        {
            "kind": CallKind.PROJECTS,
            "outcome": Outcome.FUNDED,
            "language": "en",
            "subject": "Funded: {{ reference }}",
            "body": "Dear {{ lead_name }}, {{ amount }}.",
        },
    )
    assert asked.url == prompt_for(url)
    assert not LetterTemplate.objects.exists()

    saved = client.post(asked.url, {"code": totp_code()})

    assert saved.status_code == 302
    assert LetterTemplate.objects.get().subject == "Funded: {{ reference }}"
