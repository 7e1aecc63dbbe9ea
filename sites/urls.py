from django.urls import path

from . import views

app_name = "sites"

urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_create_view, name="create"),
    path("workspace/", views.workspace, name="workspace"),
    path("program/", views.program_view, name="program"),
    path("<int:pk>/", views.site_detail, name="detail"),
    path("<int:pk>/edit/", views.site_edit, name="edit"),
    path("<int:pk>/phase/", views.site_phase, name="phase"),
    path("<int:pk>/liaison/", views.site_liaison, name="liaison"),
    path("<int:pk>/team/", views.site_team, name="team"),
    path("<int:pk>/goals/", views.site_goals, name="goals"),
]
