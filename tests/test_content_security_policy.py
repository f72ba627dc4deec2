"""The Content-Security-Policy header: the site's pages run only the site's own scripts and styles,
so that injected markup cannot run; Wagtail's admin, which has inline scripts, is left out."""

import base64
import hashlib
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def directives(response):
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_allow_only_this_sites_scripts_and_styles(client, applicant, open_call):
    application = ApplicationFactory(call=open_call, lead=applicant)
    client.force_login(applicant)
    with translation.override("fr"):
        pages = [reverse("calls:list"), reverse("applications:edit", args=[application.pk])]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in policy["style-src"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        # Nothing on the page needs more than that: no inline script, handler or style.
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)", page)
        assert not re.search(r"\son[a-z]+=\"", page)
        assert ' style="' not in page


def test_orcid_sign_in_may_leave_for_orcid(client):
    response = client.get(reverse("account_login"))
    assert "https://orcid.org" in directives(response)["form-action"]


@override_settings(DEBUG=False)
def test_the_bare_error_page_keeps_its_style(client):
    """The 500 page's inline style (it renders without static files) is allowed by its hash."""
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    response = client.get(reverse("calls:list"))
    assert f"'sha256-{digest}'" in directives(response)["style-src"]


def test_the_wagtail_admin_has_no_policy(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
