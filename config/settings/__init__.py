"""Settings modules: base (shared by all), dev, test and production.

Every entry point (manage.py, config.wsgi, config.asgi and the Celery app) falls back on the same
module when DJANGO_SETTINGS_MODULE is not set: production, which refuses to start without its
secrets and services, so that a forgotten variable never runs a server, a worker or a migration
on the development settings. Development names its module (the Makefile does; by hand,
`export DJANGO_SETTINGS_MODULE=config.settings.dev`); pytest always runs on config.settings.test
(pyproject.toml), whatever the environment says.
"""

import os

DEFAULT_SETTINGS_MODULE = "config.settings.production"


def use_default_settings():
    """Name the default settings module unless the environment names one."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
