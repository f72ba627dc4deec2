"""Eligibility screening by programme staff: the list of a call's received applications by
screening state, and the screening of one application against the call's checklist.

Interface strings are checked on English pages (English is the source text).
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application, ApplicationEvent, ApplicationState
from calls.models import EligibilityCheck
from reviews.models import EligibilityScreening

from .factories import ApplicationFactory, CallFactory, UserFactory

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def received(call, state=ApplicationState.SUBMITTED, **kwargs):
    """A complete application of `call`, received the day before it closed."""
    application = ApplicationFactory(call=call, complete=True, **kwargs)
    application.state = state
    application.submitted_at = call.closes_at - dt.timedelta(days=1)
    application.save(update_fields=["state", "submitted_at"])
    return application


@pytest.fixture
def call(db):
    call = CallFactory(closed=True, title_en="Digitisation 2026")
    for position, label in enumerate(["Dossier complet", "Budget plafonné", "Équipe mixte"]):
        EligibilityCheck.objects.create(
            call=call, sort_order=position, label_fr=label, label_en=f"{label} (en)"
        )
    return call


@pytest.fixture
def application(call, applicant):
    return received(call, lead=applicant, title="Fonds photographiques")


def checked(page):
    """(name, value) of the ticked boxes and chosen radios of a page."""
    return re.findall(
        r'<input type="(?:checkbox|radio)"[^>]* name="(\w+)" value="(\w+)"[^>]*checked', page
    )


def checks_of(call):
    return [str(pk) for pk in call.eligibility_checks.values_list("pk", flat=True)]


def screen(client, application, **data):
    return client.post(en("reviews:screen", application.pk), data)


# Who may screen


@pytest.mark.parametrize("page", ["list", "screen"])
def test_programme_staff_screen(client, programme_manager, application, page):
    client.force_login(programme_manager)
    url = (
        en("reviews:screening", application.call.slug)
        if page == "list"
        else en("reviews:screen", application.pk)
    )

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", ["reviewer", "council_member", "applicant", "other_applicant"])
@pytest.mark.parametrize("page", ["list", "screen"])
def test_nobody_else_learns_that_the_pages_exist(client, request, persona, page, application):
    client.force_login(request.getfixturevalue(persona))  # "applicant" leads the application
    url = (
        en("reviews:screening", application.call.slug)
        if page == "list"
        else en("reviews:screen", application.pk)
    )

    assert client.get(url).status_code == 404
    response = screen(client, application, checks=checks_of(application.call), result="eligible")
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("page", ["list", "screen"])
def test_anonymous_visitors_are_sent_to_log_in(client, application, page):
    url = (
        en("reviews:screening", application.call.slug)
        if page == "list"
        else en("reviews:screen", application.pk)
    )

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# Screening one application


def test_the_page_shows_the_application_read_only_and_the_checklist(
    client, programme_manager, application
):
    application.excluded_reviewers.create(name="Éloïse Martin", reason="Projet concurrent")
    client.force_login(programme_manager)

    page = client.get(en("reviews:screen", application.pk)).content.decode()

    assert "Fonds photographiques" in page
    assert "Chercheuse" in page and "Bibliothécaire" in page  # the team, read-only
    assert "Éloïse Martin" in page  # staff read the exclusions
    assert '<legend class="form-label fs-6">' in page or "<legend" in page
    for label in ["Dossier complet (en)", "Budget plafonné (en)", "Équipe mixte (en)"]:
        assert label in page
    assert 'name="result" value="eligible"' in page
    assert 'name="reason"' in page


def test_eligible_with_every_point_met_tells_the_lead_only(
    client, programme_manager, application, call, mailoutbox, django_capture_on_commit_callbacks
):
    other = received(call)
    client.force_login(programme_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = screen(client, application, checks=checks_of(call), result="eligible")

    assert response.status_code == 302
    assert response.url == en("reviews:screening", call.slug)
    application.refresh_from_db()
    assert application.state == ApplicationState.ELIGIBLE
    event = application.events.get(action="mark_eligible")
    assert (event.actor, event.from_state, event.to_state) == (
        programme_manager,
        ApplicationState.SUBMITTED,
        ApplicationState.ELIGIBLE,
    )
    screening = EligibilityScreening.objects.get(application=application)
    assert screening.eligible and all(screening.checks.values())
    assert screening.screened_by == programme_manager
    assert [message.to for message in mailoutbox] == [[application.lead.email]]

    page = client.get(response.url).content.decode()
    assert f"Application {application.reference} is eligible. Its lead is told." in page
    assert "Next application to screen" in page
    assert en("reviews:screen", other.pk) in page


def test_eligible_needs_every_point_of_the_checklist(
    client, programme_manager, application, call, mailoutbox
):
    client.force_login(programme_manager)
    ticked = checks_of(call)[:2]

    response = screen(client, application, checks=ticked, result="eligible", reason="Bien")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Every point of the checklist must be met" in page
    assert checked(page) == [("checks", pk) for pk in ticked] + [("result", "eligible")]
    assert "Bien</textarea>" in page
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert not EligibilityScreening.objects.exists()
    assert not application.events.filter(action="mark_eligible").exists()
    assert mailoutbox == []


def test_ineligible_needs_a_reason_which_the_lead_is_sent(
    client, programme_manager, application, call, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(programme_manager)

    response = screen(client, application, checks=checks_of(call)[:1], result="ineligible")

    assert response.status_code == 400
    assert "Say why the application is ineligible" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    reason = "Le budget dépasse le plafond de l'appel."
    with django_capture_on_commit_callbacks(execute=True):
        response = screen(client, application, checks=[], result="ineligible", reason=reason)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.INELIGIBLE
    assert application.events.get(action="mark_ineligible").reason == reason
    assert [message.to for message in mailoutbox] == [[application.lead.email]]


def test_a_result_must_be_chosen(client, programme_manager, application, call):
    client.force_login(programme_manager)

    response = screen(client, application, checks=checks_of(call), reason="Rien")

    assert response.status_code == 400
    assert "Choose eligible or ineligible." in response.content.decode()


def test_screening_again_with_the_same_result_tells_nobody_twice(
    client, programme_manager, call, mailoutbox, django_capture_on_commit_callbacks
):
    application = received(call, state=ApplicationState.INELIGIBLE)
    EligibilityScreening.objects.create(
        application=application, checks={}, eligible=False, reason="Incomplet"
    )
    client.force_login(programme_manager)
    page = client.get(en("reviews:screen", application.pk)).content.decode()
    assert "Incomplet</textarea>" in page  # the last screening, to correct

    with django_capture_on_commit_callbacks(execute=True):
        screen(client, application, result="ineligible", reason="Pièces manquantes")

    application.screening.refresh_from_db()
    assert application.screening.reason == "Pièces manquantes"
    assert mailoutbox == []
    assert not application.events.exists()


@pytest.mark.parametrize("state", [ApplicationState.DRAFT, ApplicationState.WITHDRAWN])
def test_a_draft_or_withdrawn_application_cannot_be_screened(
    client, programme_manager, call, state, mailoutbox
):
    application = received(call, state=state)
    client.force_login(programme_manager)

    page = client.get(en("reviews:screen", application.pk)).content.decode()
    assert "it cannot be screened" in page
    assert 'name="result"' not in page

    response = screen(client, application, checks=checks_of(call), result="eligible")

    assert response.status_code == 400
    assert "cannot be screened" in response.content.decode()
    application.refresh_from_db()
    assert application.state == state
    assert not EligibilityScreening.objects.exists()
    assert mailoutbox == []


# The list


def test_the_list_counts_and_filters_by_screening_state(client, programme_manager, call):
    waiting = [received(call, title=f"En attente {n}") for n in range(3)]
    eligible = received(call, state=ApplicationState.ELIGIBLE, title="Recevable")
    received(call, state=ApplicationState.INELIGIBLE, title="Irrecevable")
    received(call, state=ApplicationState.DRAFT, title="Brouillon")
    received(CallFactory(closed=True), title="Autre appel")
    client.force_login(programme_manager)
    url = en("reviews:screening", call.slug)

    response = client.get(url)

    page = response.content.decode()
    assert [(f["key"], f["count"]) for f in response.context["filters"]] == [
        ("to_screen", 3),
        ("eligible", 1),
        ("ineligible", 1),
    ]
    assert "Brouillon" not in page and "Autre appel" not in page
    assert page.index("En attente 0") < page.index("Recevable")  # to screen first
    assert en("reviews:screen", waiting[0].pk) in page  # the next to screen: the first received
    assert 'aria-current="page"' in page and 'href="/en/manage/calls/' in page  # the tabs

    response = client.get(url, {"state": "eligible"})
    rows = response.content.decode().split("<tbody>")[1]
    assert "Recevable" in rows and "En attente" not in rows and "Irrecevable" not in rows
    assert en("reviews:screen", eligible.pk) in rows
    assert [application.pk for application in response.context["page"]] == [eligible.pk]


def test_the_list_says_when_everything_is_screened(client, programme_manager, call):
    received(call, state=ApplicationState.ELIGIBLE)
    client.force_login(programme_manager)

    page = client.get(en("reviews:screening", call.slug)).content.decode()

    assert "Every submitted application is screened." in page
    assert "Next application to screen" not in page


def test_the_staff_list_of_applications_has_the_calls_tabs(client, programme_manager, call):
    client.force_login(programme_manager)

    page = client.get(en("applications:call_applications", call.slug)).content.decode()

    assert en("reviews:screening", call.slug) in page
    assert 'aria-current="page" href="' + en("applications:call_applications", call.slug) in page


def bulk_received(call, count):
    lead = UserFactory()
    now = timezone.now()
    states = [ApplicationState.SUBMITTED, ApplicationState.ELIGIBLE, ApplicationState.INELIGIBLE]
    applications = Application.objects.bulk_create(
        Application(
            call=call, lead=lead, title=f"Projet {n}", state=states[n % 3], submitted_at=now
        )
        for n in range(count)
    )
    EligibilityScreening.objects.bulk_create(
        EligibilityScreening(
            application=application,
            eligible=application.state == ApplicationState.ELIGIBLE,
            reason="" if application.state == ApplicationState.ELIGIBLE else "Hors sujet",
            screened_by=lead,
        )
        for application in applications
        if application.state != ApplicationState.SUBMITTED
    )


@pytest.mark.parametrize("count", [6, 300])
def test_the_list_query_count_does_not_grow_with_the_applications(
    client, programme_manager, call, count, django_assert_max_num_queries
):
    bulk_received(call, count)
    client.force_login(programme_manager)
    url = en("reviews:screening", call.slug)
    client.get(url)  # the base template's site settings are created on the first request

    # Session, user, call, two for permissions, counts per state, page of rows, next to screen;
    # and for the base template: site, site settings, unread messages.
    with django_assert_max_num_queries(11):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)
    assert sum(f["count"] for f in response.context["filters"]) == count
    assert ApplicationEvent.objects.count() == 0


def test_eligible_applications_stay_listed_once_in_review(client, programme_manager, call):
    reviewed = received(call, state=ApplicationState.IN_REVIEW, title="En évaluation")
    client.force_login(programme_manager)

    response = client.get(en("reviews:screening", call.slug), {"state": "eligible"})

    assert {f["key"]: f["count"] for f in response.context["filters"]}["eligible"] == 1
    rows = response.content.decode().split("<tbody>")[1]
    assert "En évaluation" in rows and "(in review)" in rows
    assert en("reviews:dossier", reviewed.pk) in rows  # its reviews, no longer a screening form
