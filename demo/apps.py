from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data, loaded through the same models and services as users use."""

    name = "demo"
    verbose_name = "Demo data"
