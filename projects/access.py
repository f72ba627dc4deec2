"""How every project page finds its project: with what its rules and pages read, in one query,
and a 404 for whoever the rule does not let in (nobody learns that a project exists)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from .models import Project


def project_for(request, pk, permission="projects.open_project", queryset=None):
    project = get_object_or_404(
        (queryset if queryset is not None else Project.objects).select_related(
            "decision__application__call__programme", "decision__application__lead", "carrier"
        ),
        pk=pk,
    )
    if not request.user.has_perm(permission, project):
        raise Http404
    return project


def back_to(project, section):
    """The project page, at the section a form was posted from."""
    return redirect(reverse("projects:project", args=[project.pk]) + f"#{section}")
