from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.retention, name="page"),
    path("holds/", views.hold_place, name="hold"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="lift"),
]
