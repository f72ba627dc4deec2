"""What several apps share lives in common/, once: the formats and the Paris time zone."""

import re
from decimal import Decimal
from pathlib import Path

from django.utils import translation

from common.formats import PARIS, money_or_dash, percent, score

ROOT = Path(__file__).resolve().parent.parent


def python_files():
    """The project's modules, tests included, without the virtualenv."""
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in {".venv", "node_modules"} and "migrations" not in parts:
            yield path


def test_paris_is_declared_once():
    """The time zone of every deadline is common.formats.PARIS (and settings.TIME_ZONE)."""
    declared = [
        str(path.relative_to(ROOT))
        for path in python_files()
        if re.search(r"ZoneInfo\(\s*[\"']Europe/Paris", path.read_text())
    ]
    assert declared == ["common/formats.py"]
    assert str(PARIS) == "Europe/Paris"


def test_no_module_formats_through_another_formatting_module():
    """Money and dates come from common.formats; tag libraries only register its functions."""
    pattern = re.compile(r"^\s*from [\w.]*formatting import|^\s*from calls\.templatetags", re.M)
    assert [str(path) for path in python_files() if pattern.search(path.read_text())] == []


def test_report_figures():
    with translation.override("fr"):
        assert money_or_dash(None) == "—"
        assert money_or_dash(Decimal("12500")) == "12\xa0500,00\xa0€"
        assert percent(Decimal("42.5")) == "42,5\xa0%"
        assert percent(None) == "—"
        assert score(Decimal("14.50")) == "14,5"
        assert score(None) == ""
    with translation.override("en"):
        assert money_or_dash(Decimal("12500")) == "€12,500.00"
        assert percent(Decimal("42.5")) == "42.5%"
        assert score(Decimal("14.00")) == "14"
