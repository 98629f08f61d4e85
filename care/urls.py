from django.urls import path

from . import client_views, views

app_name = "care"

# Under the booking's private link, so its token is kept out of logs like the booking's own.
urlpatterns = [
    path("bookings/<str:token>/health-form/", views.start, name="start"),
    path("bookings/<str:token>/health-form/received/", views.received, name="received"),
    path("bookings/<str:token>/health-form/<slug:step>/", views.step, name="step"),
    path("bookings/<str:token>/pain/", client_views.pain_before, name="pain"),
    path("bookings/<str:token>/aftercare/", client_views.aftercare, name="aftercare"),
    path(
        "bookings/<str:token>/aftercare/stop/",
        client_views.aftercare_stop,
        name="aftercare_stop",
    ),
    path("my/progress/", client_views.my_progress, name="my_progress"),
]
