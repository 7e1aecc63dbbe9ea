from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_create, name="staff_create"),
]
