from django.urls import path

from . import views

app_name = "intervention"
urlpatterns = [
    path("", views.flags, name="flags"),
    path("flags/<int:pk>/", views.flag_detail, name="flag"),
    path("flags/<int:pk>/state/", views.flag_change, name="flag-change"),
    path("employees/<int:pk>/", views.employee_page, name="employee"),
]
