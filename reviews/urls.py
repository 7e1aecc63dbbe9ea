from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.assign_bulk, name="assign_bulk"),
    path("slate/", views.slate_index, name="slate_index"),
    path("slate/<int:cycle_pk>/", views.slate, name="slate"),
    path("slate/<int:cycle_pk>/release/", views.release, name="release"),
    path("soi/<int:pk>/", views.application_review, name="application"),
    path("soi/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("soi/<int:pk>/score/", views.score, name="score"),
    path("soi/<int:pk>/assign/", views.assign, name="assign"),
    path("soi/<int:pk>/screening/", views.override, name="override"),
    path("soi/<int:pk>/decide/", views.decide, name="decide"),
    path("reviews/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("decisions/<int:pk>/reverse/", views.reverse_decision, name="reverse"),
]
