"""The read-only open data API (/api/v1/): published calls, funded projects and their public
deliverables, the registry of labelled collections, in JSON, for anyone, described in OpenAPI 3
at /api/v1/openapi.json.

Built on Django REST framework (already installed with Wagtail) and drf-spectacular, which writes
the OpenAPI description from the views, their serializers and their django-filter filters.
"""
