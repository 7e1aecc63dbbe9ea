from django.urls import path

from . import site_pages, views

app_name = "engagements"

urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("new/<int:site_pk>/", views.engagement_create, name="create"),
    path("import/", views.engagement_import, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job_detail, name="import_job"),
    path("import/<int:pk>/status/", views.import_job_status, name="import_job_status"),
    path("<int:pk>/", views.engagement_detail, name="detail"),
    path("<int:pk>/edit/", views.engagement_edit, name="edit"),
    path("<int:pk>/history/", views.engagement_history, name="history"),
    path("<int:pk>/deliver/", views.engagement_deliver_view, name="deliver"),
    path("<int:pk>/cancel/", views.engagement_cancel_view, name="cancel"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:pk>/follow-ups/<int:action_pk>/done/",
        views.follow_up_done,
        name="follow_up_done",
    ),
    path(
        "narrative/<int:site_pk>/<int:year>/<int:half>/",
        views.narrative_edit,
        name="narrative",
    ),
]

# Pages under /sites/ that engagements composes (engagements/site_pages.py). They keep
# their paths and names in the "sites" namespace: psp_portal/urls.py mounts them there.
site_page_urlpatterns = [
    path("workspace/", site_pages.workspace, name="workspace"),
    path("program/", site_pages.program_view, name="program"),
    path("<int:pk>/", site_pages.site_detail, name="detail"),
]
