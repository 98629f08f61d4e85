from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Health records")

    def ready(self):
        from . import (
            checks,  # noqa: F401 - registers the encryption key checks
            note_privacy,
        )
        from .privacy import register_section

        register_section()  # health forms in the client's data export and erasure
        note_privacy.register_section()  # treatment notes and measured values too
