"""Treatment rooms in the back office: the owner sets them up (features, closures for
maintenance); everyone sees which room each session is in."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Room, RoomClosure, RoomFeature
from ..times import admin_time
from .schedules import HelpTextsMixin, warn_about_saved_periods


@admin.register(RoomFeature)
class RoomFeatureAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class RoomClosureInline(HelpTextsMixin, admin.TabularInline):
    model = RoomClosure
    fields = ["start", "end", "reason"]
    extra = 0
    verbose_name_plural = _("closures for maintenance (clinic time)")
    help_texts = {
        "start": _("Clinic time. No session is booked in the room from then."),
        "end": _("Clinic time. Bookable again from then."),
    }


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "feature_list", "active", "order", "next_closure"]
    list_editable = ["active", "order"]
    list_filter = ["active", "features"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["features"]
    inlines = [RoomClosureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("features", "closures")

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is RoomClosure:
            warn_about_saved_periods(request, formset, _("This room closure"), owner="room")

    @admin.display(description=_("features"))
    def feature_list(self, obj):
        return ", ".join(feature.name for feature in obj.features.all()) or "–"

    @admin.display(description=_("latest closure"))
    def next_closure(self, obj):
        closures = sorted(obj.closures.all(), key=lambda closure: closure.start)
        return admin_time(closures[-1].start) if closures else "–"
