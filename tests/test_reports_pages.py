"""Report pages: who may ask for, follow and download each report; a report asked for is built
(eager Celery), stored in private storage and announced to the person who asked."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from notifications.models import Message
from reports.models import Report, ReportKind, ReportState
from reviews.models import AssignmentState, ConflictDeclaration

from .factories import (
    AssignmentFactory,
    CallFactory,
    ReviewerFactory,
    in_review_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

PDF = b"%PDF-1.7\n% a report\n"


@pytest.fixture
def call():
    return CallFactory(closed=True, title_en="Heritage call")


@pytest.fixture
def dossier(call, applicant):
    return in_review_application(call, lead=applicant)


def finished(kind, call=None, requested_by=None, **fields):
    report = Report.objects.create(
        kind=kind,
        call=call,
        language="fr",
        state=ReportState.DONE,
        progress=100,
        pages=1,
        requested_by=requested_by,
        data_date=timezone.now(),
        finished_at=timezone.now(),
        **fields,
    )
    report.file.save("report.pdf", ContentFile(PDF), save=True)
    return report


def conflicted_council_member(dossier):
    """A council member who declared a conflict on one dossier of the call."""
    member = ReviewerFactory(roles=[Role.REVIEWER, Role.COUNCIL_MEMBER])
    assignment = AssignmentFactory(
        application=dossier, reviewer=member, state=AssignmentState.RECUSED
    )
    ConflictDeclaration.objects.create(assignment=assignment, has_conflict=True, reason="Coautrice")
    return member


def personas(request, dossier):
    """The people of the matrix: name -> user (None: anonymous)."""
    assigned = ReviewerFactory()
    AssignmentFactory(application=dossier, reviewer=assigned, state=AssignmentState.ACCEPTED)
    return {
        "anonymous": None,
        "lead applicant": dossier.lead,
        "other applicant": request.getfixturevalue("other_applicant"),
        "reviewer": assigned,
        "council member": request.getfixturevalue("council_member"),
        "programme staff": request.getfixturevalue("programme_manager"),
        "administrator": request.getfixturevalue("administrator"),
    }


ALLOWED = {"council member", "programme staff", "administrator"}


def answer(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_report_pages_are_for_staff_and_council_members_only(client, request, call, dossier):
    people = personas(request, dossier)
    report = finished(ReportKind.CALL, call)
    programme_report = finished(ReportKind.PROGRAMME, year=2026)
    urls = [
        reverse("reports:call_reports", args=[call.slug]),
        reverse("reports:programme_reports"),
        reverse("reports:progress", args=[report.pk]),
        reverse("reports:download", args=[report.pk]),
        reverse("reports:download", args=[programme_report.pk]),
    ]
    for name, user in people.items():
        for url in urls:
            response = answer(client, user, url)
            if user is None:
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("account_login")), url
            elif name in ALLOWED:
                assert response.status_code == 200, (name, url)
            else:
                assert response.status_code == 404, (name, url)


def test_asking_for_a_report_is_refused_to_others(client, request, call, dossier):
    people = personas(request, dossier)
    for name, user in people.items():
        if name in ALLOWED or user is None:
            continue
        client.force_login(user)
        url = reverse("reports:call_reports", args=[call.slug])
        response = client.post(url, {"kind": "call", "language": "fr"})
        assert response.status_code == 404, name
        response = client.post(
            reverse("reports:programme_reports"), {"year": call.closes_at.year, "language": "fr"}
        )
        assert response.status_code == 404, name
    assert not Report.objects.exists()


def test_a_dossier_book_is_closed_to_a_council_member_in_conflict(
    client, call, dossier, council_member, programme_manager
):
    member = conflicted_council_member(dossier)
    staff_book = finished(ReportKind.DOSSIERS, call, requested_by=programme_manager)
    own_book = finished(
        ReportKind.DOSSIERS, call, requested_by=member, built_for=member, withheld=[dossier.pk]
    )
    call_report = finished(ReportKind.CALL, call, requested_by=programme_manager)

    def status(user, report):
        return answer(client, user, reverse("reports:download", args=[report.pk])).status_code

    assert status(member, staff_book) == 404  # it holds the reviews of their conflicted dossier
    assert status(member, own_book) == 200  # made for them: that dossier is left out
    assert status(member, call_report) == 404  # staff's: it shows that dossier's scores
    assert status(council_member, staff_book) == 200
    assert status(council_member, own_book) == 200
    assert status(programme_manager, own_book) == 200
    listed = answer(client, member, reverse("reports:call_reports", args=[call.slug]))
    assert list(listed.context["reports"]) == [own_book]


@pytest.mark.parametrize("kind", [ReportKind.CALL, ReportKind.DOSSIERS])
def test_a_report_built_before_reports_were_built_for_their_reader_is_for_staff(
    client, call, dossier, council_member, programme_manager, kind
):
    """Asked for by a council member now in conflict, but from a time when the build did not
    record whom it withheld for (a call report then held every score): it is not theirs to read.
    A member free of conflicts may read every dossier anyway, and staff read everything."""
    member = conflicted_council_member(dossier)
    old = finished(kind, call, requested_by=member)

    def status(user):
        return answer(client, user, reverse("reports:download", args=[old.pk])).status_code

    assert status(member) == 404
    listed = answer(client, member, reverse("reports:call_reports", args=[call.slug]))
    assert old not in listed.context["reports"]
    assert status(council_member) == 200
    assert status(programme_manager) == 200


def test_a_council_member_owing_a_review_cannot_read_the_book(client, call, dossier):
    member = ReviewerFactory(roles=[Role.REVIEWER, Role.COUNCIL_MEMBER])
    AssignmentFactory(application=dossier, reviewer=member, state=AssignmentState.ACCEPTED)
    book = finished(ReportKind.DOSSIERS, call)
    response = answer(client, member, reverse("reports:download", args=[book.pk]))
    assert response.status_code == 404


def test_the_download_is_private_and_named(client, call, programme_manager):
    report = finished(ReportKind.CALL, call)
    client.force_login(programme_manager)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f'filename="rapport-appel-{call.slug}-fr-' in response["Content-Disposition"]


def test_an_unfinished_report_cannot_be_downloaded_and_its_page_refreshes(
    client, call, programme_manager
):
    report = Report.objects.create(
        kind=ReportKind.CALL, call=call, language="en", state=ReportState.RUNNING, progress=40
    )
    client.force_login(programme_manager)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
    page = client.get(reverse("reports:progress", args=[report.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in page
    assert '<progress id="report-progress" class="w-100" max="100" value="40">' in page

    report.state, report.progress = ReportState.FAILED, 40
    report.error = "OSError: disk full"
    report.save()
    page = client.get(reverse("reports:progress", args=[report.pk])).content.decode()
    assert "http-equiv" not in page
    assert "could not be built" in page and "disk full" in page


def test_staff_ask_for_a_call_report_and_are_told_when_it_is_ready(
    client, call, dossier, programme_manager, django_capture_on_commit_callbacks
):
    client.force_login(programme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:call_reports", args=[call.slug]), {"kind": "call", "language": "fr"}
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:progress", args=[report.pk])
    assert (report.state, report.progress, report.kind) == (ReportState.DONE, 100, "call")
    assert report.requested_by == programme_manager and report.language == "fr"
    assert report.file.name.startswith("reports/call/")
    assert report.file.read().startswith(b"%PDF")
    assert report.pages >= 3 and report.data_date is not None
    [message] = Message.objects.filter(user=programme_manager, event="report_ready")
    assert call.title_fr in message.subject or call.title_en in message.subject
    assert f"/rapports/{report.pk}/" in message.url or f"/reports/{report.pk}/" in message.url

    page = client.get(response["Location"]).content.decode()
    assert reverse("reports:download", args=[report.pk]) in page
    listing = client.get(reverse("reports:call_reports", args=[call.slug]))
    assert list(listing.context["reports"]) == [report]


def test_a_council_member_asks_for_a_programme_report(
    client, call, dossier, council_member, django_capture_on_commit_callbacks
):
    client.force_login(council_member)
    year = timezone.localtime(call.closes_at).year
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:programme_reports"),
            {"kind": "programme", "programme": call.programme.pk, "year": year, "language": "en"},
        )
    report = Report.objects.get()
    assert (report.kind, report.programme, report.year) == ("programme", call.programme, year)
    assert report.state == ReportState.DONE
    assert report.download_name().startswith(f"rapport-programme-{call.programme.code}-{year}-en")


def test_the_same_report_is_not_queued_twice(client, call, programme_manager):
    client.force_login(programme_manager)
    url = reverse("reports:call_reports", args=[call.slug])
    # Without the commit callbacks, the task is not started: the first report stays queued.
    client.post(url, {"kind": "dossiers", "language": "fr"})
    client.post(url, {"kind": "dossiers", "language": "fr"})
    client.post(url, {"kind": "dossiers", "language": "en"})
    assert Report.objects.filter(state=ReportState.QUEUED).count() == 2


@pytest.mark.parametrize("count", [2, 12])
def test_the_call_reports_page_costs_the_same_queries(
    client, call, programme_manager, count, django_assert_max_num_queries
):
    for n in range(count):
        finished(ReportKind.CALL if n % 2 else ReportKind.DOSSIERS, call, programme_manager)
    client.force_login(programme_manager)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("reports:call_reports", args=[call.slug]))
    assert len(response.context["reports"]) == count


def test_the_reports_tab_is_on_the_call_staff_pages(client, call, council_member):
    client.force_login(council_member)
    page = client.get(reverse("reviews:ranking", args=[call.slug])).content.decode()
    assert reverse("reports:call_reports", args=[call.slug]) in page
