"""Content written in French with an optional English version, shown in the active language."""

from django.utils.translation import get_language


class TranslatedField:
    """A read-only attribute that returns the English field when English is active and filled in.

    title = TranslatedField("title_fr_field", "title_en")  # falls back to French
    """

    def __init__(self, french_field: str, english_field: str):
        self.french_field = french_field
        self.english_field = english_field

    def __get__(self, instance, owner):
        if instance is None:
            return self
        if (get_language() or "").startswith("en"):
            english = getattr(instance, self.english_field)
            if english:
                return english
        return getattr(instance, self.french_field)
