"""Who may download a document: anyone once a published call or page uses it, staff always.

A document uploaded for a draft call, or not used anywhere yet, stays hidden from the public.
"""

from wagtail.models import ReferenceIndex


def is_published(document) -> bool:
    """True when a live object (a call or a page) refers to the document."""
    return any(
        getattr(source, "live", False)
        for source, _references in ReferenceIndex.get_grouped_references_to(document)
    )


def may_download(user, document) -> bool:
    return user.has_perm("wagtailadmin.access_admin") or is_published(document)
