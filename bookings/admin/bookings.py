"""Bookings in the back office: the list (soonest first when looking ahead), a booking's page
with its history, and the pages of the front desk (agenda, book for a caller, move, export).

Bookings are created, moved, cancelled and marked only through `bookings.services`.
"""

from datetime import datetime, time, timedelta

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Booking, BookingChange
from ..times import admin_span, admin_time, clinic_tz
from . import agenda, desk, export
from .actions import CANCEL_REFUSAL, BookingActions
from .base import ReadOnlyInline, ScopedAdmin, sees_everything
from .forms import BookingAdminForm


class WhenFilter(admin.SimpleListFilter):
    """Dates as the clinic's staff say them, in clinic time."""

    title = _("date")
    parameter_name = "when"
    # Choices that look ahead: the list then runs soonest first, like a diary.
    forward = {"today", "tomorrow", "week", "next7", "upcoming"}

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("This week")),
            ("next7", _("Next 7 days")),
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        tz = clinic_tz()
        now = timezone.now()
        today = now.astimezone(tz).date()

        def midnight(days: int) -> datetime:
            return datetime.combine(today + timedelta(days=days), time.min, tzinfo=tz)

        monday = -today.weekday()
        ranges = {
            "today": (midnight(0), midnight(1)),
            "tomorrow": (midnight(1), midnight(2)),
            "week": (midnight(monday), midnight(monday + 7)),
            "next7": (midnight(0), midnight(7)),
        }
        if self.value() in ranges:
            first, last = ranges[self.value()]
            return queryset.filter(start__gte=first, start__lt=last)
        if self.value() == "upcoming":
            return queryset.filter(start__gte=now)
        if self.value() == "past":
            return queryset.filter(start__lt=now)
        return queryset


class BookingChangeInline(ReadOnlyInline):
    """Who changed the booking, when and what: written by bookings.services, read-only here."""

    model = BookingChange
    fields = ["when", "who", "action"]
    readonly_fields = fields
    verbose_name_plural = _("history of changes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("when"))
    def when(self, obj):
        return admin_time(obj.at)

    @admin.display(description=_("who"))
    def who(self, obj):
        if obj.actor != BookingChange.Actor.STAFF:
            return obj.get_actor_display()
        if obj.user is None:
            return _("(deleted user)")
        name = obj.user.get_full_name()
        return f"{name} ({obj.user.get_username()})" if name else obj.user.get_username()


@admin.register(Booking)
class BookingAdmin(BookingActions, ScopedAdmin):
    form = BookingAdminForm
    list_display = [
        "reference",
        "when",
        "client",
        "therapist",
        "room",
        "status",
        "service",
        "source",
    ]
    list_display_links = ["reference", "when"]
    list_filter = [WhenFilter, "therapist", "service", "status", "source"]
    date_hierarchy = "start"
    search_fields = ["reference", "client__name", "client__email", "client__phone"]
    search_help_text = _("Search by reference or the client's name, email or phone.")
    list_select_related = ["therapist", "service", "client", "room"]
    ordering = ["-start"]
    actions = ["mark_completed", "mark_no_show", "cancel_bookings", "export_selected"]
    inlines = [BookingChangeInline]
    # A booking's public page is the client's private manage page: not for staff.
    view_on_site = False
    readonly_fields = [
        "reference",
        "session_time",
        "therapist",
        "service",
        "client",
        "client_contact",
        "source",
        "created_at",
        "updated_at",
        "reminded_at",
        "cancelled_at",
        "cancel_reason",
        "sequence",
    ]

    def get_ordering(self, request):
        if request.GET.get(WhenFilter.parameter_name) in WhenFilter.forward:
            return ["start"]
        return super().get_ordering(request)

    def get_list_filter(self, request):
        if sees_everything(request):
            return self.list_filter
        return [f for f in self.list_filter if f != "therapist"]

    def get_list_display(self, request):
        if sees_everything(request):
            return self.list_display
        return [f for f in self.list_display if f != "therapist"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if obj is not None and obj.status == Booking.Status.CANCELLED:
            readonly.append("status")
        if not (
            obj is not None
            and obj.status == Booking.Status.CONFIRMED
            and obj.room_id is not None
            and self.has_move_permission(request, obj)
        ):
            readonly.append("room")  # the front desk changes rooms, to a free one only
        return readonly

    def get_fieldsets(self, request, obj=None):
        status = ["status"]
        if (
            obj is not None
            and obj.status == Booking.Status.CONFIRMED
            and self.has_cancel_permission(request, obj)
        ):
            status.append("reason")
        record = ["created_at", "updated_at", "reminded_at", "sequence"]
        if obj is not None and obj.status == Booking.Status.CANCELLED:
            status += ["cancelled_at", "cancel_reason"]
        return [
            (
                None,
                {
                    "fields": [
                        "reference",
                        "session_time",
                        "therapist",
                        "room",
                        "service",
                        "client",
                        "client_contact",
                        "source",
                    ]
                },
            ),
            (_("Status"), {"fields": status}),
            (_("Notes for the therapist"), {"fields": ["notes"]}),
            (_("Record"), {"fields": record, "classes": ["collapse"]}),
        ]

    def has_delete_permission(self, request, obj=None):
        # A cancelled booking is a status, never a deleted row.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("bookings.export_booking")

    def has_move_permission(self, request, obj=None):
        # Moving a session rearranges the clinic's day: the front desk's and the owner's job.
        return sees_everything(request) and self.has_change_permission(request, obj)

    def has_cancel_permission(self, request, obj=None):
        # Cancelling frees the time and emails the client: like moving, the front desk's job.
        return sees_everything(request) and self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not self.has_cancel_permission(request, obj):
            form = type(form.__name__, (form,), {"can_cancel": False})
        return form

    def response_action(self, request, queryset):
        # The action is not offered to therapists; a forged post gets a clear refusal.
        if "cancel_bookings" in request.POST.getlist("action") and not (
            self.has_cancel_permission(request)
        ):
            self.message_user(request, CANCEL_REFUSAL, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("agenda/", view(self.agenda_view), name="{}_{}_agenda".format(*info)),
            path("export/", view(self.export_view), name="{}_{}_export".format(*info)),
            path(
                "<path:object_id>/move/",
                view(self.move_view),
                name="{}_{}_move".format(*info),
            ),
            *super().get_urls(),
        ]

    def agenda_view(self, request):
        return agenda.agenda(request, self)

    def export_view(self, request):
        return export.export(request, self)

    def move_view(self, request, object_id):
        return desk.booking_move(request, object_id, self)

    def add_view(self, request, form_url="", extra_context=None):
        # Staff book through the same service and guarantee as clients.
        return desk.book_for_caller(request, self)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            local = obj.start.astimezone(clinic_tz())
            context["agenda_url"] = (
                reverse("admin:bookings_booking_agenda")
                + f"?date={local.date().isoformat()}&therapist={obj.therapist.slug}"
            )
            if obj.status == Booking.Status.CONFIRMED and self.has_move_permission(request, obj):
                context["move_url"] = reverse("admin:bookings_booking_move", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        """Notes and status change through services, each recorded in the booking's history."""
        now = timezone.now()
        if "room" in form.changed_data:
            try:
                services.booking_set_room(
                    booking=obj, room=form.cleaned_data["room"], by=request.user, now=now
                )
            except services.BookingError as error:
                messages.error(request, error.message)
        if "notes" in form.changed_data:
            services.booking_set_notes(
                booking=obj, notes=form.cleaned_data["notes"], by=request.user, now=now
            )
        if "status" in form.changed_data:
            status = form.cleaned_data["status"]
            try:
                if status == Booking.Status.CANCELLED:
                    services.booking_cancel(
                        booking=obj,
                        now=now,
                        reason=form.cleaned_data.get("reason", ""),
                        by=request.user,
                    )
                else:
                    services.booking_set_status(
                        booking=obj, status=status, by=request.user, now=now
                    )
            except services.BookingError as error:
                messages.error(request, error.message)

    @admin.display(description=_("start (clinic time)"), ordering="start")
    def when(self, obj):
        return admin_time(obj.start)

    @admin.display(description=_("when (clinic time)"))
    def session_time(self, obj):
        return _("%(session)s, then %(cleanup)d minutes' cleanup") % {
            "session": admin_span(obj.start, obj.end),
            "cleanup": obj.service.buffer_after,
        }

    @admin.display(description=_("attendee, email and phone (as given for this booking)"))
    def client_contact(self, obj):
        phone = format_html('<a href="tel:{}">{}</a>', obj.phone, obj.phone) if obj.phone else "–"
        if not obj.emailable:
            email = format_html(
                '<strong class="no-email">{}</strong>',
                _("No email: this client gets no emails. Phone them with any change."),
            )
        else:
            email = format_html('<a href="mailto:{}">{}</a>', obj.email, obj.email)
        return format_html("{} · {} · {}", obj.name, email, phone)
