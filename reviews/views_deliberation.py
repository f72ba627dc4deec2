"""Deliberation: ranking, a dossier's reviews and consensus report, the applicant's reply."""

from django.http import HttpResponse


def ranking(request, slug):
    return HttpResponse("todo")


def dossier(request, pk):
    return HttpResponse("todo")


def consensus(request, pk):
    return HttpResponse("todo")


def reply(request, pk):
    return HttpResponse("todo")
