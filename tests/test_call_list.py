"""The list of calls: filters by kind, programme and phase; no drafts; fixed query counts."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from calls.models import CallKind, Programme
from cms.models import NetworkSettings

from .factories import CallCriterionFactory, CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def list_page(client, language="fr", **params):
    """The list of calls; interface strings are checked on the English page (the source text)."""
    with translation.override(language):
        return client.get(reverse("calls:list"), params)


def cards(response):
    return response.content.decode().count('class="card call-card')


def shown(response, *calls):
    content = response.content.decode()
    return [call.title_fr in content for call in calls]


def test_the_list_shows_published_calls_with_their_phase_kind_programme_and_count(client):
    programme = ProgrammeFactory(title_en="Enriched digitisation")
    open_call = CallFactory(title_en="Open corpora", programme=programme)
    CallFactory(title_en="Archives to come", upcoming=True, programme=None)

    response = list_page(client, "en")

    content = response.content.decode()
    assert response.status_code == 200
    assert "2 calls" in content
    assert "Open corpora" in content
    with translation.override("en"):
        assert open_call.get_absolute_url() in content
    assert "Enriched digitisation" in content
    assert "Cross-programme" in content
    assert "Call for projects" in content
    assert 'class="badge badge-phase-open"' in content
    assert 'class="badge badge-phase-upcoming"' in content


def test_the_filter_form_has_labels_and_a_submit_button(client):
    content = list_page(client).content.decode()

    for name in ("kind", "programme", "phase"):
        assert f'<label class="form-label" for="id_{name}">' in content
        assert f'name="{name}"' in content
    assert 'method="get"' in content
    assert '<button type="submit"' in content


def test_filter_by_kind(client):
    residency = CallFactory(kind=CallKind.RESIDENCY, title_fr="Résidence Persée")
    label = CallFactory(kind=CallKind.LABEL, title_fr="Label CollEx 2027")
    projects = CallFactory(kind=CallKind.PROJECTS, title_fr="Projets collaboratifs")

    response = list_page(client, kind=CallKind.RESIDENCY)

    assert shown(response, residency, label, projects) == [True, False, False]
    assert cards(response) == 1


def test_filter_by_programme_code(client):
    digitisation = ProgrammeFactory(code="numerisation")
    archives = ProgrammeFactory(code="archives")
    in_digitisation = CallFactory(programme=digitisation, title_fr="Numériser les thèses")
    in_archives = CallFactory(programme=archives, title_fr="Forum des archives")
    cross = CallFactory(programme=None, title_fr="Outils transverses")

    response = list_page(client, programme="numerisation")

    assert shown(response, in_digitisation, in_archives, cross) == [True, False, False]


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("open", [True, False, False]),
        ("upcoming", [False, True, False]),
        ("closed", [False, False, True]),
    ],
)
def test_filter_by_phase(client, phase, expected):
    open_call = CallFactory(title_fr="Appel ouvert")
    upcoming = CallFactory(upcoming=True, title_fr="Appel à venir")
    closed = CallFactory(closed=True, title_fr="Appel clos")

    response = list_page(client, phase=phase)

    assert shown(response, open_call, upcoming, closed) == expected


def test_filters_combine(client):
    programme = ProgrammeFactory(code="signalement")
    wanted = CallFactory(programme=programme, kind=CallKind.INCUBATOR, title_fr="Incubateur ouvert")
    CallFactory(
        programme=programme, kind=CallKind.INCUBATOR, closed=True, title_fr="Vieil incubateur"
    )
    CallFactory(programme=programme, kind=CallKind.PROJECTS, title_fr="Projets du signalement")

    response = list_page(client, kind="incubator", programme="signalement", phase="open")

    content = response.content.decode()
    assert "Incubateur ouvert" in content
    assert "Vieil incubateur" not in content
    assert "Projets du signalement" not in content
    assert wanted.get_absolute_url() in content


def test_empty_result_says_so(client):
    CallFactory(kind=CallKind.PROJECTS)

    content = list_page(client, "en", kind=CallKind.LABEL).content.decode()

    assert "0 calls" in content
    assert "No call matches these filters" in content


def test_an_unknown_programme_code_does_not_break_the_page(client):
    CallFactory(title_fr="Toujours là")

    response = list_page(client, programme="nope")

    assert response.status_code == 200


def test_draft_calls_never_appear_in_the_list_nor_on_their_page(client):
    draft = CallFactory(draft=True, title_fr="Brouillon secret")

    for phase in ("", "open", "upcoming", "closed"):
        assert "Brouillon secret" not in list_page(client, phase=phase).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Brouillon secret" not in client.get("/").content.decode()


@pytest.fixture
def network_settings(db):
    """Created up front, so that counts measure a visit, not the settings' first creation."""
    return NetworkSettings.for_site(Site.objects.get(is_default_site=True))


def make_calls(count):
    programmes = [ProgrammeFactory() for _ in range(4)]
    for i in range(count):
        traits = [{}, {"upcoming": True}, {"closed": True}, {"programme": None}][i % 4]
        options = {"programme": programmes[i % 4], **traits}
        call = CallFactory(**options)
        CallCriterionFactory(call=call)


@pytest.mark.parametrize("count", [5, 40])
def test_the_call_list_makes_a_fixed_number_of_queries(
    client, network_settings, django_assert_max_num_queries, count
):
    make_calls(count)

    with django_assert_max_num_queries(4):
        response = list_page(client)

    assert cards(response) == count


@pytest.mark.parametrize("count", [5, 40])
def test_the_filtered_call_list_makes_a_fixed_number_of_queries(
    client, network_settings, django_assert_max_num_queries, count
):
    make_calls(count)
    programme_code = ProgrammeFactory._meta.model.objects.first().code

    with django_assert_max_num_queries(5):
        response = list_page(client, kind="projects", programme=programme_code, phase="open")

    assert response.status_code == 200


@pytest.mark.parametrize(("count", "shown_cards"), [(5, 4), (40, 9)])
def test_the_home_page_makes_a_fixed_number_of_queries(
    client, network_settings, django_assert_max_num_queries, count, shown_cards
):
    make_calls(count)

    with django_assert_max_num_queries(9):
        response = client.get("/")

    assert response.status_code == 200
    assert cards(response) == shown_cards  # at most 6 open and 3 upcoming calls


@pytest.mark.parametrize("count", [5, 40])
def test_the_programme_pages_make_a_fixed_number_of_queries(
    client, network_settings, django_assert_max_num_queries, count
):
    make_calls(count)
    programme = Programme.objects.first()

    with django_assert_max_num_queries(3):
        client.get(reverse("calls:programmes"))
    with django_assert_max_num_queries(4):
        response = client.get(reverse("calls:programme", kwargs={"code": programme.code}))

    assert cards(response) == programme.calls.count()
