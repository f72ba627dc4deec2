"""Each rule says who *and* when, and the service that acts asks the same rule.

Issue 13, finding 8: who may act was in rules.py, but when was restated in views, services and
templates, and the attachment service forgot the deadline. Here each permission is read for the
right person at the wrong moment (refused) and at the right one (allowed), and each service is
refused at the wrong moment even when called directly, as a script or a forgotten view would.
"""

import datetime as dt

import pytest
from django.utils import timezone

from applications.models import ApplicationState
from applications.rules import judged_at
from applications.services import (
    ApplicationError,
    SubmissionRefused,
    save_draft,
    submit_application,
    withdraw_application,
)
from calls.models import Call
from decisions import services as decisions
from decisions.services import DecisionError
from reviews import deliberation, reviewing
from reviews.errors import ReviewError
from reviews.models import AssignmentState, ConsensusReport

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    in_review_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

NOW = timezone.now()


def close(call):
    Call.objects.filter(pk=call.pk).update(
        opens_at=NOW - dt.timedelta(days=30), closes_at=NOW - dt.timedelta(minutes=1)
    )
    call.refresh_from_db()


def test_a_draft_is_the_leads_until_the_deadline(applicant, programme_manager):
    application = ApplicationFactory(lead=applicant, complete=True)
    assert applicant.has_perm("applications.edit_draft", application)
    assert not programme_manager.has_perm("applications.edit_draft", application)

    close(application.call)

    assert not applicant.has_perm("applications.edit_draft", application)
    assert not applicant.has_perm("applications.submit_application", application)
    with pytest.raises(ApplicationError, match="The call has closed"):
        save_draft(application, application.version, actor=applicant, title="Trop tard", answers={})
    application.refresh_from_db()
    assert application.title != "Trop tard"


def test_a_submission_is_judged_at_the_moment_it_arrived(applicant):
    application = ApplicationFactory(lead=applicant, complete=True)
    close(application.call)  # read after the deadline...
    arrived = application.call.closes_at - dt.timedelta(milliseconds=1)

    assert applicant.has_perm("applications.submit_application", judged_at(application, arrived))
    submission = submit_application(application, applicant, now=arrived)  # ...but on time

    assert submission.received_at == arrived
    late = ApplicationFactory(lead=applicant, complete=True, call=application.call)
    with pytest.raises(SubmissionRefused) as refused:
        submit_application(late, applicant)
    assert "The deadline passed" in refused.value.problems["__all__"][0]


def test_a_submitted_application_is_withdrawn_only_until_the_deadline(applicant, other_applicant):
    application = ApplicationFactory(lead=applicant, complete=True)
    submit_application(application, applicant)
    assert not other_applicant.has_perm("applications.withdraw_application", application)
    close(application.call)
    application.refresh_from_db()

    assert not applicant.has_perm("applications.withdraw_application", application)
    with pytest.raises(ApplicationError, match="can no longer be withdrawn"):
        withdraw_application(application, applicant)
    with pytest.raises(ApplicationError, match="Only the lead"):
        withdraw_application(application, other_applicant)


def test_a_reply_is_written_by_the_lead_while_the_phase_is_open(applicant, other_applicant):
    call = CallFactory(
        closed=True,
        reply_opens_at=NOW + dt.timedelta(days=1),
        reply_closes_at=NOW + dt.timedelta(days=5),
    )
    application = in_review_application(call, lead=applicant)
    application.state = ApplicationState.IN_REVIEW
    application.save(update_fields=["state"])

    assert applicant.has_perm("reviews.answer_reviews", application)  # the page, with its dates
    assert not applicant.has_perm("reviews.write_reply", application)  # not yet
    with pytest.raises(ReviewError, match="not open"):
        deliberation.save_reply(application, applicant, "Trop tôt.")
    opened = NOW + dt.timedelta(days=2)
    assert applicant.has_perm("reviews.write_reply", judged_at(application, opened))
    deliberation.save_reply(application, applicant, "À temps.", now=opened)
    with pytest.raises(ReviewError, match="Only the lead"):
        deliberation.save_reply(application, other_applicant, "Pas moi.", now=opened)


def test_a_review_is_written_until_it_is_submitted(reviewer):
    application = in_review_application()
    assignment = AssignmentFactory(
        application=application, reviewer=reviewer, state=AssignmentState.ACCEPTED
    )
    criterion = CallCriterionFactory(call=application.call)
    data = {
        "scores": {criterion.pk: ("4", "Bien.")},
        "comment_for_applicant": "Solide.",
        "confidential_comment": "",
        "recommendation": "fund",
    }
    assert reviewer.has_perm("reviews.write_review", assignment)

    reviewing.submit_review(assignment, reviewer, data)

    assignment.refresh_from_db()
    assert not reviewer.has_perm("reviews.write_review", assignment)
    with pytest.raises(ReviewError, match="submitted and locked"):
        reviewing.save_review(assignment, reviewer, data)


def test_a_final_consensus_report_is_written_no_more(programme_manager, council_member):
    application = in_review_application()
    ConsensusReport.objects.create(application=application, finalised_at=NOW)
    application.refresh_from_db()

    assert programme_manager.has_perm("reviews.prepare_consensus", application)
    assert not programme_manager.has_perm("reviews.write_consensus", application)
    assert not programme_manager.has_perm("reviews.choose_rapporteur", application)
    assert programme_manager.has_perm("reviews.reopen_consensus", application)
    assert not council_member.has_perm("reviews.reopen_consensus", application)
    with pytest.raises(ReviewError, match="final"):
        deliberation.save_consensus(application, programme_manager, {})


def test_a_decision_is_recorded_by_staff_once_the_application_is_eligible(
    programme_manager, council_member, applicant
):
    draft = ApplicationFactory(lead=applicant)
    eligible = in_review_application()

    assert not programme_manager.has_perm("decisions.decide_application", draft)
    assert programme_manager.has_perm("decisions.decide_application", eligible)
    assert not council_member.has_perm("decisions.decide_application", eligible)
    for actor, application, message in (
        (programme_manager, draft, "draft cannot be decided"),
        (council_member, eligible, "Only programme staff"),
    ):
        with pytest.raises(DecisionError, match=message):
            decisions.record_decision(
                application, actor, outcome="rejected", meeting_date=NOW.date(), motivation="Non."
            )


def test_screening_and_letters_ask_the_rules_too(programme_manager, council_member):
    from decisions.letters import LetterError, send_letter
    from reviews.eligibility import screen_application

    from .factories import decided_application

    submitted = ApplicationFactory(complete=True)
    submit_application(submitted, submitted.lead)
    assert not council_member.has_perm("reviews.screen_application", submitted)
    with pytest.raises(ReviewError, match="Only programme staff"):
        screen_application(submitted, council_member, checks={}, eligible=True)
    decided = decided_application()
    with pytest.raises(LetterError, match="Only programme staff"):
        send_letter(decided.decision, council_member)
    assert send_letter(decided.decision, programme_manager) is not None


def test_a_publication_date_is_for_a_funded_project_only(programme_manager):
    from .factories import decided_application

    funded = decided_application(outcome="funded")
    rejected = decided_application(outcome="rejected")

    assert programme_manager.has_perm("decisions.publish_project", funded)
    assert not programme_manager.has_perm("decisions.publish_project", rejected)
    with pytest.raises(DecisionError, match="Only a funded project"):
        decisions.set_publication_date(rejected, programme_manager, NOW.date())
