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
        cached_page(views.TherapistDetailView.as_view(), free_times=True),
        name="therapist_detail",
    ),
    path("book/", cached_page(views.book), name="book"),
    path(
        "book/<slug:slug>/",
        cached_free_times(views.book_service, params=("therapist", "date")),
        name="book_service",
    ),
    path("book/<slug:slug>/confirm/", views.confirm, name="confirm"),
    path("bookings/<str:token>/", views.manage, name="manage"),
    path("bookings/<str:token>/booking.ics", views.booking_ics, name="booking_ics"),
    path("bookings/<str:token>/google-calendar/", views.google_calendar, name="google_calendar"),
    path("bookings/<str:token>/cancel/", views.cancel, name="cancel"),
    path("bookings/<str:token>/cancel-plan/", views.cancel_plan, name="cancel_plan"),
    path("bookings/<str:token>/reschedule/", views.reschedule, name="reschedule"),
    path(
        "bookings/<str:token>/reschedule/confirm/",
        views.reschedule_confirm,
        name="reschedule_confirm",
    ),
    path("waitlist/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/offers/<str:token>/", views.waitlist_offer, name="waitlist_offer"),
    path("waitlist/<str:token>/", views.waitlist_entry, name="waitlist_entry"),
    path("my/", views.my_bookings, name="my"),
    path("my/link-sent/", views.my_link_sent, name="my_link_sent"),
    path("my/sign-in/<str:token>/", views.my_sign_in, name="my_sign_in"),
    path("my/sign-out/", views.my_sign_out, name="my_sign_out"),
    path("my/bookings/<str:reference>/resend/", views.my_resend, name="my_resend"),
    path("my/data/", views.my_data, name="my_data"),
    path("my/data.json", views.my_data_json, name="my_data_json"),
    path("my/erasure/", views.my_erasure, name="my_erasure"),
    path("reviews/<str:token>/", views.review, name="review"),
    path("reviews/<str:token>/unsubscribe/", views.review_unsubscribe, name="review_unsubscribe"),
    path(
        "api/availability",
        cached_free_times(views.api_availability, params=("service", "therapist", "start", "days")),
        name="api_availability",
    ),
]

urlpatterns += [
    path("calendar/<str:token>.ics", feeds.therapist_feed, name="therapist_feed"),
]
