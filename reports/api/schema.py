"""drf-spectacular hooks: the OpenAPI description covers /api/v1/ only (Wagtail's admin has
DRF views of its own, which are not part of the public API)."""

PREFIX = "/api/v1/"


def only_public_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PREFIX)]
