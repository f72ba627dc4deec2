"""Responses for personal files (attachments, receipts, letters, reports, audit trails): every app
that serves one makes it here, once the caller has checked who asks.

A personal file is never sniffed into another type and never kept by a shared cache.
"""

import logging

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


def private(response):
    """`response` marked as personal: never sniffed into another type, never kept by a shared
    cache. Also for pages that show what only their reader may see (an audit trail)."""
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_cache=True)
    return response


def private_content(content, filename, content_type, *, inline=False):
    """A file made in memory (a PDF, a CSV), downloaded as `filename`, or shown in the browser
    when `inline`."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return private(response)


def private_file(handle, filename, content_type):
    """An open file (a temporary ZIP, say), streamed as a download and closed once sent."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    return private(response)


def stored_file(field, filename, content_type):
    """The file of a FileField (in private storage), as a download; 404 when it is missing from
    storage, which is logged: a file the database knows of should be there."""
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        logger.error("Private file %s is missing from storage", field.name)
        raise Http404 from None
    return private_file(handle, filename, content_type)
