from django.urls import path

from . import views

app_name = "care"

# Under the booking's private link, so its token is kept out of logs like the booking's own.
urlpatterns = [
    path("bookings/<str:token>/health-form/", views.start, name="start"),
    path("bookings/<str:token>/health-form/received/", views.received, name="received"),
    path("bookings/<str:token>/health-form/<slug:step>/", views.step, name="step"),
]
