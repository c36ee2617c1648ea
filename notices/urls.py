from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    # The email provider's tracking webhook (see notices/webhooks.py).
    path("anymail/<slug:esp>/tracking/", views.tracking_webhook, name="tracking-webhook"),
    path("notices/acknowledge/<str:token>/", views.acknowledge, name="acknowledge"),
    path("staff/letters/", views.letters, name="letters"),
    path("staff/letters/<int:pk>/", views.letter, name="letter"),
    path("staff/letters/<int:pk>/posted/", views.letter_posted, name="letter-posted"),
]
