from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("", views.program_outcomes_view, name="program"),
    path("export/", views.outcomes_export, name="export"),
    path("due-dates/", views.due_dates, name="due_dates"),
    path("import/", views.import_view, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("sites/<int:site_pk>/", views.site_outcomes, name="site"),
    path("sites/<int:site_pk>/<int:year>/", views.outcome_enter_view, name="enter"),
    path("years/<int:pk>/submit/", views.outcome_submit_view, name="submit"),
    path("years/<int:pk>/verify/", views.outcome_verify_view, name="verify"),
    path("years/<int:pk>/return/", views.outcome_return_view, name="return"),
]
