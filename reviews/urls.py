from django.urls import path

from .views import decisions, queue, slate, soi

app_name = "reviews"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("assign/", queue.assign_bulk, name="assign_bulk"),
    path("slate/", slate.slate_index, name="slate_index"),
    path("slate/<int:cycle_pk>/", slate.slate, name="slate"),
    path("slate/<int:cycle_pk>/release/", slate.release, name="release"),
    path("soi/<int:pk>/", soi.application_review, name="application"),
    path("soi/<int:pk>/conflict/", soi.conflict, name="conflict"),
    path("soi/<int:pk>/score/", soi.score, name="score"),
    path("soi/<int:pk>/assign/", soi.assign, name="assign"),
    path("soi/<int:pk>/screening/", soi.override, name="override"),
    path("soi/<int:pk>/decide/", decisions.decide, name="decide"),
    path("reviews/<int:pk>/reopen/", soi.reopen, name="reopen"),
    path("decisions/<int:pk>/reverse/", decisions.reverse_decision, name="reverse"),
]
