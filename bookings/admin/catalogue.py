"""The clinic's services and booking policy in the back office (the owner and front desk)."""

from django.contrib import admin

from ..models import BookingPolicy, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duration", "price", "buffer_after", "active", "order"]
    list_editable = ["price", "active", "order"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name", "duration"]}
    filter_horizontal = ["required_features"]


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slot_step", "min_notice", "horizon_days", "cancellation_window"]

    def has_add_permission(self, request):
        return not BookingPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
