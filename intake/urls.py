from django.urls import path

from . import api, views

app_name = "intake"
urlpatterns = [
    path("", views.home, name="home"),
    path("complaint/", views.complaint, name="complaint"),
    path("compliment/", views.compliment, name="compliment"),
    path("received/<str:token>/", views.received, name="received"),
    path("status/<str:token>/", views.status, name="status"),
    path("staff/quarantine/", views.quarantine, name="quarantine"),
    path(
        "staff/quarantine/<int:pk>/<str:decision>/",
        views.quarantine_decide,
        name="quarantine-decide",
    ),
    path("api/v1/complaints", api.complaints, name="api-complaints"),
    path("api/v1/compliments", api.compliments, name="api-compliments"),
]
