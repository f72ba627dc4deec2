"""/api/v1/: outside the language prefixes, so that its addresses never change."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    CallViewSet,
    CollectionViewSet,
    DeliverableViewSet,
    FundedProjectViewSet,
    OpenApiView,
)

app_name = "api"

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
router.register("projects", FundedProjectViewSet, basename="project")
router.register("deliverables", DeliverableViewSet, basename="deliverable")
router.register("collections", CollectionViewSet, basename="collection")

urlpatterns = [
    *router.urls,
    path("openapi.json", OpenApiView.as_view(), name="schema"),
]
