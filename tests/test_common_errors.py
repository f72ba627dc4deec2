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
