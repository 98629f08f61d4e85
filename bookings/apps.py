from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Clinic & bookings")

    def ready(self):
        import clinic.checks  # noqa: F401 - registers the deployment checks
        from clinic.cache import refresh_free_times_when_saved, refresh_pages_when_saved

        # outbox_admin registers the outbox's admin when imported.
        from . import free_times, models, outbox_admin, outbox_privacy, reviews, waitlist_privacy  # noqa: F401

        # The outbox and the waitlist in each person's export and erasure (reviews register
        # theirs when imported).
        outbox_privacy.register_section()
        waitlist_privacy.register_section()

        # Public pages show services and therapists, their photos and reviews, and closures.
        services = models.Therapist.services.through
        refresh_pages_when_saved(
            models.Service,
            models.Therapist,
            models.Headshot,
            models.ClinicPhoto,
            models.Review,
            models.Closure,
            through=[services],
        )
        # Free times depend on all of these.
        refresh_free_times_when_saved(
            models.Booking,
            models.WorkingHours,
            models.TimeOff,
            models.Closure,
            models.BookingPolicy,
            models.Service,
            models.Therapist,
            models.Room,
            models.RoomClosure,
            through=[services, models.Therapist.preferred_rooms.through],
        )
        free_times.connect_signals()
