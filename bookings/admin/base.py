"""What every part of the back office shares: scoped admins, read-only inlines, page context."""

from django.contrib import admin
from django.http import Http404
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from ..models import staff_scope


def sees_everything(request) -> bool:
    """The owner and the front desk: every therapist's rows."""
    return staff_scope(request.user).everything


def admin_context(request, model_admin, **extra) -> dict:
    """The context of a custom back-office page: the admin's own, plus `extra`."""
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "app_label": model_admin.opts.app_label,
        **extra,
    }


def booking_link(booking, label: str = "") -> SafeString:
    """A booking's reference (or `label`) linking to its page in the back office."""
    url = reverse("admin:bookings_booking_change", args=[booking.pk])
    return format_html('<a href="{}">{}</a>', url, label or booking.reference)


def booking_links(bookings) -> SafeString:
    """'ABC123, DEF456' with each reference linking to its booking."""
    return format_html_join(", ", "{}", ((booking_link(b),) for b in bookings))


def message_html(text: str, **params) -> SafeString:
    """A translated message for `messages.*` whose parameters may hold links: the text and
    every plain parameter are escaped, safe parameters (links) are kept."""
    escaped = {
        name: value if isinstance(value, int | float) else conditional_escape(value)
        for name, value in params.items()
    }
    # Safe: every part was escaped just above, or was already safe HTML.
    return mark_safe(conditional_escape(text) % escaped)  # nosec B308 B703


class ReadOnlyInline(admin.TabularInline):
    """A history shown on a page: nothing added, changed or deleted from it."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdmin(admin.ModelAdmin):
    """Rows as `Model.objects.visible_to(user)` allows; any other row answers 404 (never the
    "perhaps it was deleted" page)."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("There is no such %(name)s.") % {"name": self.opts.verbose_name})
        return obj
