from django.http import Http404
from wagtail import hooks

from .documents import may_download


@hooks.register("before_serve_document")
def hide_unpublished_documents(document, request):
    if not may_download(request.user, document):
        raise Http404
