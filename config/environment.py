"""Reading settings from the environment: django-environ, with booleans that are never guessed.

django-environ reads every word it does not know as False, so `DJANGO_DEBUG=ture` would quietly
turn debugging off and `SECURE_SSL_REDIRECT=flase` would quietly serve plain HTTP. Here a boolean
is one of a few words, in any case, or the process refuses to start and names the variable.
"""

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class Env(environ.Env):
    def bool(self, var, default=environ.Env.NOTSET):
        """The variable read as a boolean; unset, `default` (or ImproperlyConfigured if none)."""
        name = f"{self.prefix}{var}"
        if name not in self.ENVIRON:
            return self.get_value(var, cast=bool, default=default)
        word = self.ENVIRON[name].strip().lower()
        if word in TRUE:
            return True
        if word in FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={self.ENVIRON[name]!r} is not a boolean: write 1, true, yes or on, "
            "or 0, false, no or off."
        )
