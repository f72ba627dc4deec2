"""A boolean in the environment is one of a few words, or the settings refuse to load, naming
the variable: `DJANGO_DEBUG=ture` must not quietly read as False."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.environment import Env

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("word", ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON", " on "])
def test_these_words_are_true(monkeypatch, word):
    monkeypatch.setenv("COLLEX_TEST_FLAG", word)
    assert Env().bool("COLLEX_TEST_FLAG", default=False) is True


@pytest.mark.parametrize("word", ["0", "false", "False", "no", "NO", "off", "Off"])
def test_these_words_are_false(monkeypatch, word):
    monkeypatch.setenv("COLLEX_TEST_FLAG", word)
    assert Env().bool("COLLEX_TEST_FLAG", default=True) is False


@pytest.mark.parametrize("word", ["ture", "flase", "", "2", "y", "ok", "enabled", "truee"])
def test_any_other_word_is_refused_with_the_variable_named(monkeypatch, word):
    monkeypatch.setenv("COLLEX_TEST_FLAG", word)
    with pytest.raises(ImproperlyConfigured, match=r"COLLEX_TEST_FLAG='.*' is not a boolean"):
        Env().bool("COLLEX_TEST_FLAG", default=False)


def test_an_unset_variable_takes_its_default_or_is_required(monkeypatch):
    monkeypatch.delenv("COLLEX_TEST_FLAG", raising=False)
    assert Env().bool("COLLEX_TEST_FLAG", default=True) is True
    assert Env().bool("COLLEX_TEST_FLAG", default=False) is False
    with pytest.raises(ImproperlyConfigured, match="COLLEX_TEST_FLAG"):
        Env().bool("COLLEX_TEST_FLAG")


def test_the_settings_do_not_load_with_a_misspelt_debug():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    environment["DJANGO_DEBUG"] = "ture"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG='ture' is not a boolean" in result.stderr
