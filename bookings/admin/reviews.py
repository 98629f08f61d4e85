"""Reviews in the back office: the owner publishes, hides and replies; therapists read their
own. Nothing a client writes appears on the website until it is published here."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Review
from ..reviews import reviews_set_status
from .base import ScopedAdmin


@admin.register(Review)
class ReviewAdmin(ScopedAdmin):
    list_display = ["created_at", "therapist", "rating", "display_name", "excerpt", "status"]
    list_filter = ["status", "rating", "therapist"]
    date_hierarchy = "created_at"
    search_fields = ["comment", "display_name"]
    fields = [
        "therapist",
        "session",
        "rating",
        "display_name",
        "comment",
        "status",
        "reply",
        "created_at",
        "published_at",
        "replied_at",
    ]
    readonly_fields = [
        "therapist",
        "session",
        "rating",
        "comment",
        "created_at",
        "published_at",
        "replied_at",
    ]
    actions = ["publish", "hide"]

    def has_add_permission(self, request):
        return False  # only a client's private link writes a review

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("therapist", "booking__service")

    @admin.display(description=_("session"))
    def session(self, obj):
        return f"{obj.booking.reference}: {obj.booking.service}"

    @admin.display(description=_("review"))
    def excerpt(self, obj):
        return obj.comment if len(obj.comment) <= 90 else obj.comment[:88] + "…"

    def save_model(self, request, obj, form, change):
        now = timezone.now()
        if "reply" in form.changed_data:
            obj.replied_at = now if obj.reply.strip() else None
        if "status" in form.changed_data and obj.status == Review.Status.PUBLISHED:
            obj.published_at = obj.published_at or now
        super().save_model(request, obj, form, change)

    def _set(self, request, queryset, status, done):
        count = reviews_set_status(reviews=queryset, status=status, now=timezone.now())
        self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected reviews"), permissions=["change"])
    def publish(self, request, queryset):
        self._set(
            request,
            queryset,
            Review.Status.PUBLISHED,
            lambda n: ngettext(
                "%(count)d review is on the website.", "%(count)d reviews are on the website.", n
            ),
        )

    @admin.action(description=_("Hide the selected reviews"), permissions=["change"])
    def hide(self, request, queryset):
        self._set(
            request,
            queryset,
            Review.Status.HIDDEN,
            lambda n: ngettext(
                "%(count)d review is hidden from the website.",
                "%(count)d reviews are hidden from the website.",
                n,
            ),
        )
