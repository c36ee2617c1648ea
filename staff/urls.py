from django.contrib.auth import views as auth_views
from django.urls import path

from . import signin

app_name = "staff"
urlpatterns = [
    path("login/", signin.StaffLoginView.as_view(), name="login"),
    path("verify/", signin.verify, name="verify"),
    path("enrol/", signin.enrol, name="enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/keep-alive/", signin.keep_alive, name="keep-alive"),
]
