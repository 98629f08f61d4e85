from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Clinic & bookings")

    def ready(self):
        from clinic.cache import refresh_pages_when_saved

        from .models import Service, Therapist

        # Public pages show services and therapists.
        refresh_pages_when_saved(Service, Therapist, through=[Therapist.services.through])
