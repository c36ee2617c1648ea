from django.urls import path

from . import views

app_name = "commendations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/tell-citizen/", views.tell_citizen, name="tell-citizen"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/letter/", views.letter, name="letter"),
    path("employees/<int:employee_id>/", views.employee, name="employee"),
]
