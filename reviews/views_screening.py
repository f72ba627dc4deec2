"""Staff: eligibility screening of a call's submitted applications."""

from django.http import HttpResponse


def screening_list(request, slug):
    return HttpResponse("todo")


def screen(request, pk):
    return HttpResponse("todo")
