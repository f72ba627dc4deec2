"""The one base error: what every refusal carries."""

from common.errors import Refused


def test_a_refusal_says_its_message():
    refused = Refused("The deadline passed.")
    assert str(refused) == "The deadline passed."
    assert refused.problems == {}
    assert refused.messages == ["The deadline passed."]


def test_a_refusal_without_message_says_its_problems():
    refused = Refused(problems={"team": ["Add a member."], "__all__": ["Too late."]})
    assert str(refused) == "Add a member. Too late."
    assert refused.messages == ["Add a member.", "Too late."]


def test_a_refusal_may_list_its_problems_without_fields():
    refused = Refused(problems=["Unknown name: title.upper", "No {% load %}."])
    assert refused.messages == ["Unknown name: title.upper", "No {% load %}."]


def test_a_message_and_its_problems_each_once():
    refused = Refused("Incomplete.", {"score": ["Whole points.", "Incomplete."]})
    assert str(refused) == "Incomplete."
    assert refused.messages == ["Incomplete.", "Whole points."]


def test_an_empty_refusal_is_still_an_exception():
    assert str(Refused()) == ""
    assert Refused().messages == []


def test_every_refusal_of_the_services_derives_from_refused():
    """Views may catch every refusal alike: each app's error is a Refused."""
    from applications.attachments import AttachmentRefused
    from applications.services import ApplicationError, StaleDraft, SubmissionRefused
    from applications.team import TeamInvitationError
    from common.sandbox import TemplateRefused
    from decisions.letters import LetterError
    from decisions.services import DecisionError, EnvelopeExceeded
    from notifications.services import PreferenceRefused, ResendRefused
    from reports.governance.documents import ReportSubjectMissing
    from reviews.errors import ReviewError

    refusals = [
        ApplicationError,
        SubmissionRefused,
        StaleDraft,
        AttachmentRefused,
        TeamInvitationError,
        TemplateRefused,
        LetterError,
        DecisionError,
        EnvelopeExceeded,
        PreferenceRefused,
        ResendRefused,
        ReportSubjectMissing,
        ReviewError,
    ]
    assert [error for error in refusals if not issubclass(error, Refused)] == []


def test_no_service_error_left_outside_refused():
    """A new `class ...Refused/...Error(Exception)` in an app would escape the views that catch
    Refused: each derives from it (or from another app error that does)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    loose = []
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {".venv", "tests", "node_modules"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            named = isinstance(node, ast.ClassDef) and node.name.endswith(("Refused", "Error"))
            if named and node.name != "Refused":  # the base itself derives from Exception
                bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
                if bases & {"Exception", "ValueError", "RuntimeError"} and "Refused" not in bases:
                    loose.append(f"{path.relative_to(root)}: {node.name}")
    assert loose == []
