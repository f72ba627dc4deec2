from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("names/", views.names, name="names"),
    path("login/admin/", views.admin_login, name="admin_login"),
]
