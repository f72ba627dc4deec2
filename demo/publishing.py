"""Publish pages and snippets through Wagtail's revisions, as an editor would in the admin."""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder

# Fields that change with every publication or with the page tree, not with the content.
VOLATILE = {
    "path",
    "depth",
    "numchild",
    "url_path",
    "pk",
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "latest_revision",
    "latest_revision_created_at",
    "draft_title",
    "go_live_at",
    "expire_at",
    "expired",
    "locked",
    "locked_at",
    "locked_by",
}


# A decimal as JSON holds it: "50000.00" read from the database, "50000" as typed in the demo.
DECIMAL = re.compile(r"-?\d+\.\d+")


def content_of(data):
    """The content of a revision as stored (JSON), without the fields that change every time."""
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return {
        key: same_decimals(decoded(value)) for key, value in data.items() if key not in VOLATILE
    }


def decoded(value):
    """StreamFields serialise as JSON text, whose key order PostgreSQL's jsonb does not keep:
    compare them as data."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def same_decimals(value):
    """Decimals written alike whatever their trailing zeros, in nested lists and dicts too."""
    if isinstance(value, dict):
        return {key: same_decimals(item) for key, item in value.items()}
    if isinstance(value, list):
        return [same_decimals(item) for item in value]
    if isinstance(value, str) and DECIMAL.fullmatch(value):
        return value.rstrip("0").rstrip(".")
    return value


def publish(obj):
    """Save a revision of a saved object and publish it, unless the live revision already matches.

    Returns True when a new revision was published. A second run of the demo thus leaves the
    history as it was instead of adding one identical revision per run.
    """
    live_revision = obj.live_revision
    if (
        obj.live
        and live_revision is not None
        and content_of(live_revision.content) == content_of(obj.serializable_data())
    ):
        return False
    obj.save_revision().publish()
    return True
