"""Staff: the reviewer directory and invitations, assignments by hand and automatic."""

from django.http import HttpResponse


def reviewers(request):
    return HttpResponse("todo")


def assignments(request, slug):
    return HttpResponse("todo")


def proposal(request, slug, pk):
    return HttpResponse("todo")


def cancel(request, pk):
    return HttpResponse("todo")


def reopen_review(request, pk):
    return HttpResponse("todo")
