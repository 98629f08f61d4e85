"""Clients in the back office: contact details, staff notes and their booking history."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Booking, Client
from ..times import admin_date, admin_time
from .base import ReadOnlyInline, ScopedAdmin, sees_everything


class ClientBookingInline(ReadOnlyInline):
    """The client's sessions; a therapist sees only their own (and so only their own notes)."""

    model = Booking
    fk_name = "client"
    fields = ["booking_link", "when", "therapist", "service", "status", "notes"]
    readonly_fields = fields
    verbose_name_plural = _("booking history")
    view_on_site = False  # a booking's public page is the client's private one

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("therapist", "service")
        return queryset.visible_to(request.user).order_by("-start")

    @admin.display(description=_("reference"))
    def booking_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:bookings_booking_change", args=[obj.pk]),
            obj.reference,
        )

    @admin.display(description=_("when"))
    def when(self, obj):
        return admin_time(obj.start)


@admin.register(Client)
class ClientAdmin(ScopedAdmin):
    list_display = ["name", "email", "phone", "session_count", "latest_session"]
    search_fields = ["name", "email", "phone"]
    fields = ["name", "email", "phone", "staff_notes", "created_at"]
    inlines = [ClientBookingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_sessions(request.user)

    def get_readonly_fields(self, request, obj=None):
        if sees_everything(request):
            return ["created_at"]
        # Therapists add staff notes; contact details are the front desk's to change.
        return ["name", "email", "phone", "created_at"]

    @admin.display(description=_("sessions"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total

    @admin.display(description=_("latest session"), ordering="latest_start")
    def latest_session(self, obj):
        return admin_date(obj.latest_start) or "–"
