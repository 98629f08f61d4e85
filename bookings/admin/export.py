"""Bookings as CSV for the front desk and the owner, within the user's rows."""

import csv
import re
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Booking
from ..times import clinic_tz
from .base import admin_context
from .forms import ExportForm

EXPORT_HEADER = [
    "Reference",
    "Date",
    "Start",
    "End",
    "Time zone",
    "Therapist",
    "Service",
    "Minutes",
    "Price (USD)",
    "Client",
    "Email",
    "Phone",
    "Status",
    "Source",
    "Booked at",
]


PHONE_LIKE = re.compile(r"^[+\-]?[0-9 ().\-]+$")


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula; phone numbers stay as they are."""
    text = str(value)
    if text[:1] in {"=", "@", "\t", "\r"} or (
        text[:1] in {"+", "-"} and not PHONE_LIKE.match(text)
    ):
        return "'" + text
    return text


def bookings_csv(bookings, filename: str) -> HttpResponse:
    """Bookings as a UTF-8 CSV download (with a BOM), times in clinic time with their zone."""
    tz = clinic_tz()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    # A byte order mark, or Excel reads the UTF-8 file as ANSI and garbles accented names.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(EXPORT_HEADER)
    for booking in bookings.select_related("therapist", "service", "client").order_by("start"):
        start, end = booking.start.astimezone(tz), booking.end.astimezone(tz)
        writer.writerow(
            _cell(value)
            for value in [
                booking.reference,
                start.date().isoformat(),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                start.tzname(),
                booking.therapist.name,
                booking.service.name,
                booking.minutes,
                booking.agreed_price,
                booking.client.name,
                booking.client.email,
                booking.client.phone,
                booking.get_status_display(),
                booking.get_source_display(),
                booking.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response


def export(request, model_admin):
    """Bookings starting in a date range (clinic dates, inclusive) as CSV, within the row limits."""
    if not model_admin.has_export_permission(request):
        raise PermissionDenied
    form = ExportForm(request.GET or None, today=timezone.now().astimezone(clinic_tz()).date())
    if form.is_bound and form.is_valid():
        tz = clinic_tz()
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
        bookings = Booking.objects.visible_to(request.user).filter(
            start__gte=datetime.combine(first, time.min, tzinfo=tz),
            start__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
        )
        if not form.cleaned_data["include_cancelled"]:
            bookings = bookings.active()
        return bookings_csv(bookings, f"bookings-{first.isoformat()}-to-{last.isoformat()}.csv")
    context = admin_context(request, model_admin, title=_("Export bookings"), form=form)
    return TemplateResponse(
        request,
        "admin/bookings/export.html",
        context,
        status=400 if form.is_bound else 200,
    )
