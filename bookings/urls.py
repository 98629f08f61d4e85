from django.urls import path

from clinic.cache import cached_free_times, cached_page

from . import feeds, views

app_name = "bookings"

urlpatterns = [
    path("services/", cached_page(views.ServiceListView.as_view()), name="services"),
    path(
        "services/<slug:slug>/",
        cached_page(views.ServiceDetailView.as_view()),
        name="service_detail",
    ),
    path("therapists/", cached_page(views.TherapistListView.as_view()), name="therapists"),
    path(
        "therapists/<slug:slug>/",
        cached_page(views.TherapistDetailView.as_view()),
        name="therapist_detail",
    ),
    path("book/", cached_page(views.book), name="book"),
    path("book/<slug:slug>/", cached_free_times(views.book_service), name="book_service"),
    path("book/<slug:slug>/confirm/", views.confirm, name="confirm"),
    path("bookings/<str:token>/", views.manage, name="manage"),
    path("bookings/<str:token>/booking.ics", views.booking_ics, name="booking_ics"),
    path("bookings/<str:token>/cancel/", views.cancel, name="cancel"),
    path("bookings/<str:token>/reschedule/", views.reschedule, name="reschedule"),
    path(
        "bookings/<str:token>/reschedule/confirm/",
        views.reschedule_confirm,
        name="reschedule_confirm",
    ),
    path("api/availability", cached_free_times(views.api_availability), name="api_availability"),
]

urlpatterns += [
    path("calendar/<str:token>.ics", feeds.therapist_feed, name="therapist_feed"),
]
