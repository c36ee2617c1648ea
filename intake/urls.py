from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.home, name="home"),
    path("complaint/", views.complaint, name="complaint"),
    path("received/<str:token>/", views.received, name="received"),
    path("status/<str:token>/", views.status, name="status"),
]
