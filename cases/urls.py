from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.queues, name="queues"),
    path("queues/<slug:slug>/", views.queue_detail, name="queue"),
]
