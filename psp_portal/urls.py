from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("staff/accounts/", include("accounts.urls")),
    path("applications/", include("applications.urls")),
    path("sites/", include("sites.urls")),
    path("engagements/", include("engagements.urls")),
    path("reports/", include("reports.urls")),
    path("review/", include("reviews.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "psp_portal.views.permission_denied"
handler404 = "psp_portal.views.page_not_found"
handler500 = "psp_portal.views.server_error"
