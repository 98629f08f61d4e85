"""Background jobs of the clinical record (Django's tasks framework, see bookings/tasks.py)."""

from django.utils import timezone
from django_tasks import task

from . import services
from .aftercare import aftercare_send


@task()
def send_review_alerts() -> int:
    """Tell the front desk about sessions within 24 hours whose form is still unreviewed."""
    return services.review_alerts_send(now=timezone.now())


@task()
def send_aftercare() -> int:
    """The morning-after aftercare emails, each once (care/aftercare.py); ids only, no data."""
    return aftercare_send(now=timezone.now())
