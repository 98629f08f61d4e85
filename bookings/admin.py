from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Booking,
    BookingChange,
    BookingPolicy,
    Client,
    Closure,
    Service,
    Therapist,
    TimeOff,
    WorkingHours,
)

admin.site.site_header = _("Rimrock Massage & Bodywork: back office")
admin.site.site_title = _("Clinic back office")
admin.site.index_title = _("Today at the clinic")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duration", "price", "buffer_after", "active", "order"]
    list_editable = ["price", "active", "order"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name", "duration"]}


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "active", "order"]
    list_filter = ["active", "services"]
    search_fields = ["name", "email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services"]
    inlines = [WorkingHoursInline, TimeOffInline]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["reason", "start", "end"]
    date_hierarchy = "start"


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slot_step", "min_notice", "horizon_days", "cancellation_window"]

    def has_add_permission(self, request):
        return not BookingPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "created_at"]
    search_fields = ["name", "email", "phone"]


class BookingChangeInline(admin.TabularInline):
    model = BookingChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "user", "action"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["reference", "start", "therapist", "service", "client", "status", "source"]
    list_filter = ["status", "therapist", "service", "source"]
    date_hierarchy = "start"
    search_fields = ["reference", "client__name", "client__email", "client__phone"]
    list_select_related = ["therapist", "service", "client"]
    readonly_fields = [
        "reference",
        "client",
        "service",
        "therapist",
        "start",
        "end",
        "blocked_until",
        "source",
        "created_at",
        "updated_at",
        "cancelled_at",
        "cancel_reason",
        "reminded_at",
    ]
    exclude = ["token"]
    inlines = [BookingChangeInline]

    def has_add_permission(self, request):
        # Staff book through the booking form in the admin, which goes through the guarantee.
        return False
