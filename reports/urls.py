from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.summary_page, name="summary"),
    path("print/", views.summary_page, {"printable": True}, name="summary-print"),
    path("<slug:slug>.csv", views.summary_csv, name="summary-csv"),
]
