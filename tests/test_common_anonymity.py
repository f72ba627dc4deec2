"""The anonymous letters of reviews: one function, used wherever reviews are lettered."""

import re
from pathlib import Path

from common.anonymity import anonymous_letter

ROOT = Path(__file__).resolve().parent.parent


def test_reviews_are_lettered_a_b_c():
    assert [anonymous_letter(index) for index in range(4)] == ["A", "B", "C", "D"]
    assert anonymous_letter(25) == "Z"


def test_no_two_reviews_share_a_letter():
    letters = [anonymous_letter(index) for index in range(80)]
    assert len(set(letters)) == 80
    assert letters[26:28] == ["A1", "B1"]


def test_letters_are_computed_in_common_only():
    """No app makes its own alphabet of reviewers."""
    pattern = re.compile(r"ascii_uppercase|chr\(ord\(\"A\"\)|\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"")
    found = [
        str(path.relative_to(ROOT))
        for app in ("reviews", "reports", "decisions", "applications")
        for path in (ROOT / app).rglob("*.py")
        if pattern.search(path.read_text())
    ]
    assert found == []
