from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_mine, name="mine"),
    path("settings/", views.report_settings, name="settings"),
    path("request/<slug:kind>/", views.report_request_view, name="request"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/rerun/", views.report_rerun_view, name="rerun"),
]
