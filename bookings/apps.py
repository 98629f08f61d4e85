from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Clinic & bookings")

    def ready(self):
        from clinic.cache import bump_content_version

        from .models import Service, Therapist

        # Public pages show services and therapists: refresh them when staff edit either.
        for model in (Service, Therapist):
            post_save.connect(
                bump_content_version, sender=model, dispatch_uid=f"pages-{model.__name__}"
            )
            post_delete.connect(
                bump_content_version, sender=model, dispatch_uid=f"pages-del-{model.__name__}"
            )
        m2m_changed.connect(
            bump_content_version, sender=Therapist.services.through, dispatch_uid="pages-services"
        )
