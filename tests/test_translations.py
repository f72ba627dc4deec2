"""French is the default language and its catalogue is complete; English pages are in English."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def catalogue(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as po_file:
        return read_po(po_file, locale=language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_message_is_translated(language):
    messages = [message for message in catalogue(language) if message.id]
    assert len(messages) > 100
    missing = [
        message.id
        for message in messages
        if message.fuzzy
        or not (all(message.string) if isinstance(message.string, tuple) else message.string)
    ]
    assert missing == []


def test_english_catalogue_lists_the_same_messages():
    def ids(language):
        return {(message.context, str(message.id)) for message in catalogue(language) if message.id}

    assert ids("en") == ids("fr")


@pytest.mark.django_db
def test_home_page_is_french_by_default_and_english_one_click_away(client):
    french = client.get("/")
    assert '<html lang="fr">' in french.text
    assert 'hreflang="en"' in french.text
    english = client.get("/en/")
    assert '<html lang="en">' in english.text
    assert "Calls" in english.text
    assert "Appels" in french.text
