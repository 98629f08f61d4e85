"""What every part of the back office shares: scoped admins, read-only inlines, page context."""

from django.contrib import admin
from django.http import Http404
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
