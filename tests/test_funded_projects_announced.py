"""A funded project becomes public only once it is announced: its letter sent to the lead, or the
publication date staff set has come (Paris time). Until then recording the decision publishes
nothing: not on the funded projects page nor the project's own page, not in its CSV and JSON
files, not in the API, not in the page's lists of calls, institutions and years."""

import datetime as dt
import html
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Institution
from applications.models import ApplicationEvent, ApplicationState
from common.formats import PARIS
from decisions import services
from decisions.letters import send_letter
from decisions.models import Decision

from .factories import CallFactory, in_review_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TITLE = "Herbiers de Lamarck numérisés"
INSTITUTION = "Muséum d'histoire naturelle de Grenoble"
CALL_TITLE = "Appel Herbiers et muséums"


@pytest.fixture
def project(programme_manager):
    """An application of a published call, funded by the members' council through the
    services; no letter sent yet."""
    call = CallFactory(closed=True, title_fr=CALL_TITLE, title_en=CALL_TITLE, slug="herbiers")
    application = in_review_application(call, title=TITLE)
    institution = Institution.objects.create(name=INSTITUTION, acronym="MHNG")
    application.team.filter(is_lead=True).update(institution=institution)
    application.state = ApplicationState.IN_REVIEW
    application.save(update_fields=["state"])
    decide(application, programme_manager, "funded")
    return application


def decide(application, actor, outcome):
    return services.record_decision(
        application,
        actor,
        outcome=outcome,
        meeting_date=dt.date(2026, 11, 20),
        amount=Decimal("8000.00") if outcome == "funded" else None,
        motivation="Classement du conseil scientifique.",
    )


def paris_today():
    return timezone.localdate(timezone=PARIS)


def public_views(client, application):
    """What a visitor finds of `application`, everywhere it could be published."""
    client.logout()
    page = html.unescape(client.get(reverse("opendata:projects")).content.decode())
    csv = client.get(reverse("opendata:projects_csv")).content.decode("utf-8")
    data = json.loads(client.get(reverse("opendata:projects_json")).content)
    api = client.get("/api/v1/projects/").json()
    detail = client.get(f"/api/v1/projects/{application.reference}/")
    own_page = client.get(reverse("opendata:project", args=[application.reference]))
    return {
        "page": TITLE in page,
        "page filters": INSTITUTION in page or CALL_TITLE in page,
        "csv": TITLE in csv,
        "json": [row["title"] for row in data["results"]] == [TITLE],
        "api list": [row["title"] for row in api["results"]] == [TITLE],
        "api detail": detail.status_code == 200,
        "project page": own_page.status_code == 200,
    }


def nowhere(client, application):
    return not any(public_views(client, application).values())


def everywhere(client, application):
    return all(public_views(client, application).values())


def test_a_funded_project_is_public_once_its_letter_is_sent(client, project, programme_manager):
    assert project.decision.is_funded
    assert nowhere(client, project)
    assert client.get(f"/api/v1/projects/{project.reference}/").status_code == 404

    send_letter(project.decision, programme_manager)

    assert everywhere(client, project)
    services.withdraw_funding(project, programme_manager, "Le porteur renonce.")
    assert nowhere(client, project)


def test_a_letter_for_another_outcome_does_not_announce_the_funding(
    client, project, programme_manager
):
    """Put on the reserve list and told so, then funded: public once told of the funding."""
    decide(project, programme_manager, "reserve")
    send_letter(project.decision, programme_manager)
    decide(project, programme_manager, "funded")

    assert nowhere(client, project)

    send_letter(project.decision, programme_manager)

    assert everywhere(client, project)


def test_a_publication_date_announces_the_project_from_that_day(client, project, programme_manager):
    decision = project.decision
    services.set_publication_date(project, programme_manager, paris_today() + dt.timedelta(1))
    assert nowhere(client, project)

    services.set_publication_date(project, programme_manager, paris_today())
    assert everywhere(client, project)

    services.set_publication_date(project, programme_manager, None)
    assert nowhere(client, project)
    decision.refresh_from_db()
    assert decision.publication_date is None


def test_announced_is_the_one_rule(project, programme_manager):
    assert not Decision.objects.announced().exists()
    services.set_publication_date(project, programme_manager, paris_today())
    assert list(Decision.objects.announced()) == [project.decision]


# The decision page


def decision_url(application):
    return reverse("decisions:application", args=[application.pk])


def publish(client, application, value):
    return client.post(
        decision_url(application),
        {"step": "publication", "publication-publication_date": value},
    )


def test_staff_set_and_clear_the_publication_date_on_the_decision_page(
    client, project, programme_manager
):
    client.force_login(programme_manager)
    page = html.unescape(client.get(decision_url(project)).content.decode())
    assert 'for="id_publication-publication_date" class="form-label">' in page
    assert "Publication date" in page
    assert "Not public yet: once its letter is sent." in page

    today = paris_today()
    response = publish(client, project, today.isoformat())
    assert response.status_code == 302
    page = html.unescape(client.get(decision_url(project)).content.decode())
    assert "The publication date is recorded." in page
    assert "Published: its letter was sent, or its publication date has come." in page
    assert "Publication date changed" in page  # the decision's history
    assert everywhere(client, project)

    client.force_login(programme_manager)
    assert publish(client, project, "").status_code == 302
    assert nowhere(client, project)
    events = ApplicationEvent.objects.filter(application=project, action="set_publication_date")
    assert list(events.order_by("pk").values_list("from_state", "to_state", "actor")) == [
        ("", today.isoformat(), programme_manager.pk),
        (today.isoformat(), "", programme_manager.pk),
    ]


def test_a_future_publication_date_is_said_on_the_page(client, project, programme_manager):
    client.force_login(programme_manager)
    publish(client, project, "2099-06-01")

    page = html.unescape(client.get(decision_url(project)).content.decode())

    assert "Not public yet: from 1 June 2099, or once its letter is sent." in page


@pytest.mark.parametrize("value", ["2026-13-45", "demain", "99999-01-01"])
def test_an_invalid_publication_date_is_refused_beside_its_field(
    client, project, programme_manager, value
):
    client.force_login(programme_manager)

    response = publish(client, project, value)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error_1_id_publication-publication_date"' in page
    assert "Enter a valid date." in page
    project.decision.refresh_from_db()
    assert project.decision.publication_date is None


def test_a_publication_date_needs_a_funded_decision(client, project, programme_manager):
    decide(project, programme_manager, "rejected")
    client.force_login(programme_manager)

    response = publish(client, project, "2026-01-01")

    assert response.status_code == 400
    assert (
        "Only a funded project or a labelled collection has a publication date."
        in html.unescape(response.content.decode())
    )
    assert 'id="error_1_id_publication-publication_date"' in response.content.decode()


def test_only_who_records_decisions_sets_the_publication_date(
    client, project, council_member, applicant
):
    for person in (council_member, applicant):
        client.force_login(person)
        assert publish(client, project, "2026-01-01").status_code == 404
        with pytest.raises(services.DecisionError):
            services.set_publication_date(project, person, dt.date(2026, 1, 1))
    project.decision.refresh_from_db()
    assert project.decision.publication_date is None
    assert not ApplicationEvent.objects.filter(action="set_publication_date").exists()
