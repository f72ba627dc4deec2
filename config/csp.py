"""The Content Security Policy (django-csp), in one place: scripts, styles, fonts and images from
this site only, no inline script, no plugin, no framing.

The pages have no inline script or style; the only inline styles are those of the bare 400 and
500 pages (they must render without the site's static files), allowed by their SHA-256.
Wagtail's admin (/admin/) has inline scripts of its own: the policy leaves it out.
"""

import base64
import hashlib
import re
from pathlib import Path

from csp.constants import NONE, SELF

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STANDALONE_PAGES = ("400.html", "500.html")
# ORCID sign-in posts to this site, which redirects to ORCID: form-action covers redirects.
ORCID = ["https://orcid.org", "https://sandbox.orcid.org"]


def inline_style_hashes(names=STANDALONE_PAGES):
    hashes = set()
    for name in names:
        for style in re.findall(r"<style>(.*?)</style>", (TEMPLATES / name).read_text(), re.S):
            digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


def policy():
    return {
        "EXCLUDE_URL_PREFIXES": ["/admin/"],
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF, *inline_style_hashes()],
            # Bootstrap draws its check boxes and select arrows as data: SVG images.
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF, *ORCID],
            "frame-ancestors": [NONE],  # as X_FRAME_OPTIONS = "DENY"
        },
    }
