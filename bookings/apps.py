from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Clinic & bookings")

    def ready(self):
        import clinic.checks  # noqa: F401 - registers the deployment checks
        from clinic.cache import refresh_free_times_when_saved, refresh_pages_when_saved

        from . import models, outbox_admin  # noqa: F401 - registers the outbox's admin
        from .outbox_privacy import register_section

        register_section()  # the outbox in each person's export and erasure

        # Public pages show services and therapists.
        services = models.Therapist.services.through
        refresh_pages_when_saved(models.Service, models.Therapist, through=[services])
        # Free times depend on all of these.
        refresh_free_times_when_saved(
            models.Booking,
            models.WorkingHours,
            models.TimeOff,
            models.Closure,
            models.BookingPolicy,
            models.Service,
            models.Therapist,
            through=[services],
        )
