from django.urls import path

from . import views

app_name = "sites"

# The site page (sites:detail), the liaison's workspace (sites:workspace) and the program
# view (sites:program) show engagement figures, so the engagements app composes them
# (engagements/site_pages.py); psp_portal/urls.py adds them to this namespace.

urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_create_view, name="create"),
    path("<int:pk>/edit/", views.site_edit, name="edit"),
    path("<int:pk>/phase/", views.site_phase, name="phase"),
    path("<int:pk>/liaison/", views.site_liaison, name="liaison"),
    path("<int:pk>/team/", views.site_team, name="team"),
    path("<int:pk>/goals/", views.site_goals, name="goals"),
    path("<int:pk>/history/", views.site_history_view, name="history"),
]
