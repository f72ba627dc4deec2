"""Personal files are served by common.files alone; no app borrows another app's views or
template tags (STYLE.md, lesson 16)."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.http import Http404

from common.files import private_content, stored_file

ROOT = Path(__file__).resolve().parent.parent
APPS = {path.parent.name for path in ROOT.glob("*/apps.py")}


def app_modules():
    """Each module of an app, with the app it belongs to."""
    for app in sorted(APPS):
        for path in (ROOT / app).rglob("*.py"):
            yield app, path


def test_no_app_imports_another_app_s_views_or_template_tags():
    pattern = re.compile(r"^\s*(?:from|import) (\w+)\.(views\w*|templatetags)\b", re.M)
    borrowed = [
        f"{path.relative_to(ROOT)}: {other}.{module}"
        for app, path in app_modules()
        for other, module in pattern.findall(path.read_text())
        if other != app and other in APPS
    ]
    assert borrowed == []


def test_file_responses_are_made_in_common_only():
    """A FileResponse made elsewhere could forget the headers of a personal file."""
    makers = [
        str(path.relative_to(ROOT))
        for app, path in app_modules()
        if app != "common" and "FileResponse(" in path.read_text()
    ]
    assert makers == []


def test_a_file_made_in_memory_is_personal():
    response = private_content(b"%PDF", "recepisse-A-1.pdf", "application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="recepisse-A-1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    inline = private_content(b"%PDF", "lettre.pdf", "application/pdf", inline=True)
    assert inline["Content-Disposition"] == 'inline; filename="lettre.pdf"'


class Stored:
    """A FileField's file, enough for stored_file: a name in a storage."""

    def __init__(self, storage, name):
        self.storage, self.name = storage, name

    def open(self, mode):
        return self.storage.open(self.name, mode)


@pytest.mark.django_db  # the error logged may reach handlers that use the database
def test_a_stored_file_is_a_personal_download(caplog):
    storage = InMemoryStorage()
    name = storage.save("dossier/plan.pdf", ContentFile(b"%PDF-1.7"))
    response = stored_file(Stored(storage, name), "Plan de financement.pdf", "application/pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    response.close()

    with pytest.raises(Http404):
        stored_file(Stored(storage, "dossier/gone.pdf"), "gone.pdf", "application/pdf")
    assert "dossier/gone.pdf is missing from storage" in caplog.text
