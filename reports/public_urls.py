from django.urls import path

from . import views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="page"),
    path("data-dictionary/", views.data_dictionary, name="dictionary"),
    path("<int:year>/", views.transparency, name="year"),
    path("<int:year>.json", views.transparency_json, name="json"),
    path("<int:year>/<slug:slug>.csv", views.transparency_csv, name="csv"),
]
