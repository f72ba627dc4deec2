"""Who may download a document: anyone once a published call or page uses it, and those who
manage documents always (Wagtail's collection permissions: programme managers, administrators);
opening the admin for something else (the templates of messages, say) is not enough.

A document uploaded for a draft call, or not used anywhere yet, stays hidden from the public.
"""

from wagtail.documents import get_document_model
from wagtail.models import ReferenceIndex
from wagtail.permissions import policy_registry


def is_published(document) -> bool:
    """True when a live object (a call or a page) refers to the document."""
    return any(
        getattr(source, "live", False)
        for source, _references in ReferenceIndex.get_grouped_references_to(document)
    )


def may_download(user, document) -> bool:
    policy = policy_registry.get_by_type(get_document_model())
    manages = policy.user_has_any_permission(user, ["change", "choose"])
    return manages or is_published(document)
