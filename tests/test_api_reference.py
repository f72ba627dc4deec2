"""The API's reference for people (/projets-finances/api/): generated from the same OpenAPI
description that /api/v1/openapi.json serves, so it cannot drift from what the API does."""

import html
import json

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def reference_page(client, language="fr"):
    with translation.override(language):
        url = reverse("opendata:api")
    response = client.get(url)
    assert response.status_code == 200
    return url, html.unescape(response.content.decode())


def test_every_operation_its_parameters_and_its_fields_are_explained(client):
    description = json.loads(client.get(reverse("api:schema")).content)
    schemas = description["components"]["schemas"]
    _url, page = reference_page(client)

    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            assert f"{method.upper()} {path}" in page
            assert operation["summary"] in page
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in page
    for name, schema in schemas["FundedProject"]["properties"].items():
        assert f"<code>{name}</code>" in page
        if schema.get("description"):
            # An enum's labels follow its description: the reference's type column shows them.
            assert schema["description"].split("\n\n")[0] in page
    assert "Licence Ouverte 2.0 / Etalab" in page
    assert "http://testserver/api/v1/openapi.json" in page


def test_the_page_speaks_the_visitors_language_around_an_english_reference(client):
    url, french = reference_page(client, "fr")
    _url, english = reference_page(client, "en")

    assert url == "/projets-finances/api/"
    assert "<h1>API des données ouvertes</h1>" in french
    assert "<h1>Open data API</h1>" in english
    # The reference itself is in English (like the field names): screen readers are told so.
    main = french[french.index("<main") :]
    assert main.count('lang="en"') == 1 + main.count('class="api-operation')
    assert "<caption>Parameters</caption>" in french


def test_the_reference_is_public_linked_from_the_open_data_page_and_reads_no_data(
    client, django_assert_max_num_queries
):
    with translation.override("en"):
        projects = client.get(reverse("opendata:projects")).content.decode()
        url = reverse("opendata:api")
    assert f'href="{url}"' in projects
    # The description is built once per process; only the site's header is read (site, settings).
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
