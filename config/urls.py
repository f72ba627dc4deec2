from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    # Staff sign in through allauth (with two-factor authentication), never Wagtail's own form.
    path(
        "admin/login/", RedirectView.as_view(url=settings.WAGTAILADMIN_LOGIN_URL, query_string=True)
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The open data API: no language prefix, so that its addresses never change.
    path("api/v1/", include("reports.api.urls")),
    # For load balancers: no language prefix, no session, never cached (config/health.py).
    path("", include("config.health")),
]

if settings.DEBUG:
    # CMS images in development; in production the web server serves MEDIA_ROOT/images/ only.
    images = "images/"  # never documents/: they are served by a view that checks permissions
    urlpatterns += static(settings.MEDIA_URL + images, document_root=settings.MEDIA_ROOT / images)

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("calls.urls")),
    path("", include("applications.urls")),
    path("", include("notifications.urls")),
    path("", include("reviews.urls")),
    path("", include("decisions.urls")),
    path("", include("projects.urls")),
    path("", include("reports.urls_public")),
    path("", include("reports.urls_audit")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
    path("", include("labels.urls")),
    path("", include("labels.urls_holders")),
    path("", include("labels.urls_staff")),
    path("", include("labels.urls_renewals")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
