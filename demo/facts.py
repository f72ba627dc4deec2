"""The demo's source of truth: demo/network.yaml (the network's facts), people.yaml,
applications.yaml and reviews.yaml (the demo's content), read once per run."""

import datetime as dt
import uuid
from pathlib import Path

import yaml
from django.utils import timezone
from django.utils.html import escape

from common.formats import PARIS

NETWORK_FILE = Path(__file__).with_name("network.yaml")
# Block ids of StreamFields are derived from this namespace so that a second run keeps them.
BLOCK_NAMESPACE = uuid.UUID("5d1f3c1e-6a51-4c41-9c2a-0a7f2f0e6c11")


def load_network(path=NETWORK_FILE):
    with open(path, encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def load_demo_file(name):
    """One of the demo's YAML files, beside this module."""
    return load_network(NETWORK_FILE.with_name(name))


def block_id(*parts) -> str:
    """A stable StreamField block id: the same parts give the same id on every run."""
    return str(uuid.uuid5(BLOCK_NAMESPACE, "/".join(str(part) for part in parts)))


def paris_day_at(days: int, hour: int, now=None) -> dt.datetime:
    """An aware datetime `days` after today (Paris calendar) at `hour`:00 Paris time."""
    today = timezone.localtime(now or timezone.now(), PARIS).date()
    day = today + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def paragraph(text):
    """Plain text as one paragraph of rich text."""
    return f"<p>{escape(text)}</p>"
