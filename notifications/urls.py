from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("sent/", views.mail_log, name="mail_log"),
]
