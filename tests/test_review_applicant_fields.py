"""What the applicant tells peer review: disciplines, keywords and the people to exclude as
reviewers (as many as the call allows), saved with the draft, frozen in the submission, shown
to the applicant and staff (never to reviewers: the snapshot keeps them under their own key).

Interface strings are checked on English pages (English is the source text).
"""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import ApplicationState, ExcludedReviewer
from applications.services import ApplicationError, save_draft, submit_application

from .factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    DisciplineFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def page_data(version, *, disciplines=(), keywords="", excluded=None, title="Projet"):
    """What the draft page posts (no question, no team or budget row: they are not the point)."""
    data = {
        "version": str(version),
        "title": title,
        "matching-keywords": keywords,
        "matching-disciplines": [str(pk) for pk in disciplines],
    }
    for prefix, rows in (("team", []), ("budget", []), ("excluded", excluded)):
        if rows is None:
            continue
        data |= {
            f"{prefix}-TOTAL_FORMS": str(max(len(rows), 1)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


COMPETITOR = {
    "name": "Éloïse Martin",
    "email": "eloise.martin@example.org",
    "institution_name": "Université de Nulle-Part",
    "reason": "Dirige un projet concurrent.",
}
FORMER_COLLEAGUE = {"name": "Paul Durand", "reason": "Conflit ouvert depuis 2022."}


@pytest.fixture
def disciplines(db):
    return [
        DisciplineFactory(code="histoire", name_fr="Histoire", name_en="History"),
        DisciplineFactory(code="linguistique", name_fr="Linguistique", name_en="Linguistics"),
    ]


@pytest.fixture
def draft(applicant):
    return ApplicationFactory(lead=applicant, call=CallFactory(max_excluded_reviewers=2))


def test_disciplines_keywords_and_exclusions_are_saved_and_found_again(
    client, applicant, draft, disciplines
):
    client.force_login(applicant)
    data = page_data(
        draft.version,
        disciplines=[disciplines[1].pk],
        keywords="IIIF ; archives du Web,  paléographie ",
        excluded=[COMPETITOR, FORMER_COLLEAGUE],
    )

    response = client.post(en("applications:edit", draft.pk), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.keywords == "IIIF, archives du Web, paléographie"
    assert list(draft.disciplines.all()) == [disciplines[1]]
    assert [
        (person.name, person.email, person.institution_name, person.reason, person.position)
        for person in draft.excluded_reviewers.all()
    ] == [
        (*COMPETITOR.values(), 0),
        ("Paul Durand", "", "", "Conflit ouvert depuis 2022.", 1),
    ]

    page = client.get(en("applications:edit", draft.pk)).content.decode()
    assert "Disciplines and keywords" in page
    assert 'value="IIIF, archives du Web, paléographie"' in page
    assert f'value="{disciplines[1].pk}"  id="id_matching-disciplines_1" checked' in page
    assert "People you ask to exclude as reviewers" in page
    assert 'value="Éloïse Martin"' in page and 'value="Paul Durand"' in page
    assert page.count('class="border rounded p-3 mb-3 excluded-reviewer"') == 2  # the maximum


def test_a_removed_or_blank_row_is_not_an_exclusion(client, applicant, draft):
    ExcludedReviewer.objects.create(application=draft, name="Ancien Nom")
    client.force_login(applicant)
    removed = FORMER_COLLEAGUE | {"DELETE": "on"}

    client.post(en("applications:edit", draft.pk), page_data(draft.version, excluded=[removed, {}]))

    assert not draft.excluded_reviewers.exists()


def test_more_people_than_the_call_allows_are_refused_and_kept_on_the_page(
    client, applicant, draft
):
    ExcludedReviewer.objects.create(application=draft, name="Déjà là")
    client.force_login(applicant)
    third = {"name": "Claire Moreau", "reason": "Co-autrice récente."}
    data = page_data(
        draft.version, title="Nouveau titre", excluded=[COMPETITOR, FORMER_COLLEAGUE, third]
    )

    response = client.post(en("applications:edit", draft.pk), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The people to exclude as reviewers were not saved" in page
    assert "This call lets you name at most 2 people to exclude as reviewers; you named 3." in page
    assert 'value="Claire Moreau"' in page  # nothing typed is lost
    assert [person.name for person in draft.excluded_reviewers.all()] == ["Déjà là"]
    draft.refresh_from_db()
    assert draft.title == "Nouveau titre"  # the rest of the page is saved


def test_the_service_refuses_more_people_than_the_call_allows_and_saves_nothing(applicant):
    draft = ApplicationFactory(lead=applicant, call=CallFactory(max_excluded_reviewers=1))
    version = draft.version

    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        save_draft(
            draft,
            version,
            actor=draft.lead,
            title="Autre",
            answers={},
            excluded=[COMPETITOR, FORMER_COLLEAGUE],
        )

    assert str(refused.value) == (
        "This call lets you name at most 1 person to exclude as a reviewer; you named 2."
    )
    draft.refresh_from_db()
    assert draft.version == version and draft.title != "Autre"
    assert not draft.excluded_reviewers.exists()

    nobody = ApplicationFactory(lead=applicant)  # the call allows no exclusion
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        save_draft(
            nobody, nobody.version, actor=nobody.lead, title="", answers={}, excluded=[COMPETITOR]
        )
    assert "does not let applicants exclude anyone" in str(refused.value)


def test_no_exclusions_when_the_call_allows_none(client, applicant):
    draft = ApplicationFactory(lead=applicant)  # max_excluded_reviewers = 0 by default
    client.force_login(applicant)

    page = client.get(en("applications:edit", draft.pk)).content.decode()
    assert "exclude as reviewers" not in page
    assert "excluded-TOTAL_FORMS" not in page

    response = client.post(
        en("applications:edit", draft.pk), page_data(draft.version, excluded=[COMPETITOR])
    )
    assert response.status_code == 302
    assert not draft.excluded_reviewers.exists()


def test_too_many_keywords_keep_the_draft_unsaved_with_what_was_typed(client, applicant, draft):
    client.force_login(applicant)
    typed = ", ".join(f"mot{number}" for number in range(11))

    response = client.post(
        en("applications:edit", draft.pk), page_data(draft.version, keywords=typed, title="Neuf")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Give at most 10 keywords (there are 11)." in page
    assert f'value="{typed}"' in page
    draft.refresh_from_db()
    assert (draft.title, draft.keywords) != ("Neuf", typed)


def test_autosave_posts_the_new_fields_with_the_rest(client, applicant, draft, disciplines):
    client.force_login(applicant)
    data = page_data(
        draft.version, disciplines=[d.pk for d in disciplines], keywords="IA", excluded=[]
    )

    response = client.post(en("applications:edit", draft.pk), data, HTTP_X_REQUESTED_WITH="fetch")

    assert response.status_code == 200
    assert response.json()["version"] == draft.version + 1
    assert response.json()["warning"] == ""
    assert set(draft.disciplines.all()) == set(disciplines)


def test_no_discipline_to_tick_when_the_directory_has_none(client, applicant, draft):
    client.force_login(applicant)

    page = client.get(en("applications:edit", draft.pk)).content.decode()

    assert "matching-disciplines" not in page
    assert 'name="matching-keywords"' in page


def submitted(draft, disciplines):
    save_draft(
        draft,
        draft.version,
        actor=draft.lead,
        title="Cartographie des fonds",
        answers={},
        keywords="cartographie, fonds",
        disciplines=disciplines,
        excluded=[COMPETITOR],
    )
    TeamMemberFactory(application=draft, role="researcher", is_lead=True)
    TeamMemberFactory(application=draft, role="documentation_professional")
    BudgetLineFactory(application=draft)
    return submit_application(draft, draft.lead)


def test_the_submission_freezes_keywords_disciplines_and_exclusions_under_their_own_key(
    draft, disciplines
):
    submission = submitted(draft, disciplines[:1])

    content = submission.content
    assert content["keywords"] == "cartographie, fonds"
    assert content["disciplines"] == [
        {"code": "histoire", "name_fr": "Histoire", "name_en": "History"}
    ]
    assert content["excluded_reviewers"] == [
        {
            "name": "Éloïse Martin",
            "email": "eloise.martin@example.org",
            "institution": "Université de Nulle-Part",
            "reason": "Dirige un projet concurrent.",
        }
    ]
    # Nowhere else in the snapshot: a reviewer's page leaves out this one key.
    rest = {key: value for key, value in content.items() if key != "excluded_reviewers"}
    assert "Éloïse" not in str(rest)

    draft.excluded_reviewers.all().delete()  # later changes do not touch the snapshot
    submission.refresh_from_db()
    assert len(submission.content["excluded_reviewers"]) == 1


@pytest.mark.parametrize("reader", ["applicant", "programme_manager"])
def test_the_applicant_and_staff_read_them_once_submitted(
    client, request, reader, draft, disciplines
):
    submitted(draft, disciplines)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED
    client.force_login(request.getfixturevalue(reader))

    page = client.get(en("applications:edit", draft.pk)).content.decode()

    assert "matching-keywords" not in page  # read-only
    assert "History, Linguistics" in page
    assert "cartographie, fonds" in page
    assert "People asked to be excluded as reviewers" in page
    assert "Éloïse Martin" in page and "Dirige un projet concurrent." in page


def test_another_applicant_still_gets_404(client, other_applicant, draft):
    client.force_login(other_applicant)

    assert client.get(en("applications:edit", draft.pk)).status_code == 404
