"""Content written in French with an optional English version, shown in the active language.

What staff write is French first: a field with no English version (or left empty) reads in
French on an English page. Screen readers must then read it in French, so each translated field
also says which language it returned (`title_language`), and the `lang_attr` filter
(calls.templatetags.call_tags) writes lang="fr" where it differs from the page's.
"""

from django.utils.html import format_html
from django.utils.translation import get_language

# The language staff write in; the content's language when it has no English version.
CONTENT_LANGUAGE = "fr"


def page_language() -> str:
    """The active language as the pages name it: "en" or "fr"."""
    return "en" if (get_language() or "").startswith("en") else CONTENT_LANGUAGE


def lang_attribute(language) -> str:
    """` lang="fr"` for content in another language than the page's, nothing otherwise."""
    if language and language != page_language():
        return format_html(' lang="{}"', language)
    return ""


def in_its_language(text, language):
    """`text` in a span that says its language when it is not the page's (a label, a help text
    or an option that forms render as they are)."""
    attribute = lang_attribute(language)
    return format_html("<span{}>{}</span>", attribute, text) if attribute and text else text


class TranslatedField:
    """A read-only attribute that returns the English field when English is active and filled in.

    title = TranslatedField("title_fr_field", "title_en")  # falls back to French

    It adds `title_language` beside it: "en" or "fr", the language of what `title` returns.
    """

    def __init__(self, french_field: str, english_field: str):
        self.french_field = french_field
        self.english_field = english_field

    def __set_name__(self, owner, name):
        setattr(owner, f"{name}_language", LanguageOf(self))

    def language_of(self, instance) -> str:
        if page_language() == "en" and getattr(instance, self.english_field):
            return "en"
        return CONTENT_LANGUAGE

    def __get__(self, instance, owner):
        if instance is None:
            return self
        if self.language_of(instance) == "en":
            return getattr(instance, self.english_field)
        return getattr(instance, self.french_field)


class LanguageOf:
    """The language a TranslatedField returns for an instance ("en" or "fr")."""

    def __init__(self, field: TranslatedField):
        self.field = field

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return self.field.language_of(instance)
