"""Reviewers: dashboard, profile, invitation, answering an assignment, the review form."""

from django.http import HttpResponse


def dashboard(request):
    return HttpResponse("todo")


def profile(request):
    return HttpResponse("todo")


def invitation(request, token):
    return HttpResponse("todo")


def assignment(request, pk):
    return HttpResponse("todo")


def answer(request, pk):
    return HttpResponse("todo")


def attachment(request, pk, attachment_id):
    return HttpResponse("todo")
