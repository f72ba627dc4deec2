"""The project's URLs plus /bench/hello/, the baseline every speed figure is compared with."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse("<!DOCTYPE html><title>hello</title><p>Hello, world.</p>")


urlpatterns = [path("bench/hello/", hello), *project_urlpatterns]
