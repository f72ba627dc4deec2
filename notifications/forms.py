from django import forms
from django.utils.translation import gettext_lazy as _

from .events import RULES, is_mandatory, preference_events
from .models import EmailMode


class PreferencesForm(forms.Form):
    """One choice per kind of message. Mandatory kinds are shown as fixed; a posted attempt to
    turn one off or defer it is refused."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for event in preference_events():
            mandatory = is_mandatory(event)
            self.fields[event.value] = forms.ChoiceField(
                label=event.label,
                choices=EmailMode.choices,
                initial=preferences[event],
                required=not mandatory,
                widget=forms.RadioSelect,
            )
            self.fields[event.value].mandatory = mandatory
            self.fields[event.value].audience = RULES[event].audience.label

    def clean(self):
        cleaned = super().clean()
        for event in preference_events():
            if is_mandatory(event) and cleaned.get(event.value) not in (None, "", "immediate"):
                self.add_error(
                    event.value,
                    _("“%(kind)s” must reach you: it is always sent by e-mail at once.")
                    % {"kind": event.label},
                )
        return cleaned

    def choices(self):
        """{event: EmailMode} to save; mandatory kinds at once."""
        return {
            event: EmailMode.IMMEDIATE
            if is_mandatory(event)
            else EmailMode(self.cleaned_data[event.value])
            for event in preference_events()
        }
