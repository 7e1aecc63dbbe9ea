from django.contrib import admin
from django.urls import include, path

from engagements.urls import site_page_urlpatterns
from sites.urls import urlpatterns as site_urlpatterns

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
    # One "sites" namespace: the sites app's pages, and the site page, workspace and
    # program view that engagements composes (engagements depends on sites, not the reverse).
    path("sites/", include((site_urlpatterns + site_page_urlpatterns, "sites"))),
    path("engagements/", include("engagements.urls")),
    path("reports/", include("reports.urls")),
    path("review/", include("reviews.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "psp_portal.views.permission_denied"
handler404 = "psp_portal.views.page_not_found"
handler500 = "psp_portal.views.server_error"
