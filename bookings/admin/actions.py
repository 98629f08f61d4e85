"""The booking list's actions: mark completed or no-show, cancel (asking for a reason first),
export. Through `bookings.services`, so every change is recorded with who made it."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import Booking
from ..times import admin_time, clinic_tz
from . import export
from .base import admin_context
from .forms import CancelBookingsForm

CANCEL_REFUSAL = _(
    "Only the front desk and the owner cancel bookings. Nothing was changed: ask the front "
    "desk to cancel it."
)


class BookingActions:
    """The actions of `BookingAdmin`; `has_cancel_permission` is the admin's."""

    def _mark(self, request, queryset, status) -> None:
        now = timezone.now()
        done = not_started = cancelled = 0
        for booking in queryset:
            if booking.status == Booking.Status.CANCELLED:
                cancelled += 1
            elif booking.start > now:
                not_started += 1
            else:
                try:
                    done += services.booking_set_status(
                        booking=booking, status=status, by=request.user, now=now
                    )
                except services.BookingError as error:
                    self.message_user(request, error.message, messages.WARNING)
        label = Booking.Status(status).label.lower()
        self.message_user(
            request,
            ngettext(
                "%(count)d booking marked %(status)s.",
                "%(count)d bookings marked %(status)s.",
                done,
            )
            % {"count": done, "status": label},
            messages.SUCCESS if done else messages.INFO,
        )
        if not_started:
            self.message_user(
                request,
                ngettext(
                    "%d session has not started yet, so it was left as it was.",
                    "%d sessions have not started yet, so they were left as they were.",
                    not_started,
                )
                % not_started,
                messages.WARNING,
            )
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "%d booking is cancelled and was left as it was.",
                    "%d bookings are cancelled and were left as they were.",
                    cancelled,
                )
                % cancelled,
                messages.WARNING,
            )

    @admin.action(description=_("Mark completed"), permissions=["change"])
    def mark_completed(self, request, queryset):
        self._mark(request, queryset, Booking.Status.COMPLETED)

    @admin.action(description=_("Mark no-show"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._mark(request, queryset, Booking.Status.NO_SHOW)

    @admin.action(description=_("Cancel and email the clients"), permissions=["cancel"])
    def cancel_bookings(self, request, queryset):
        """Asks first (with a reason), then cancels each confirmed booking via the service."""
        if not self.has_cancel_permission(request):
            self.message_user(request, CANCEL_REFUSAL, messages.ERROR)
            return None
        selected = list(queryset.select_related("client", "service", "therapist"))
        confirmed = [b for b in selected if b.status == Booking.Status.CONFIRMED]
        skipped = len(selected) - len(confirmed)
        if not confirmed:
            self.message_user(
                request, _("Only confirmed bookings can be cancelled."), messages.WARNING
            )
            return None
        form = CancelBookingsForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            now = timezone.now()
            done = 0
            for booking in confirmed:
                try:
                    services.booking_cancel(
                        booking=booking,
                        now=now,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                except services.BookingError as error:
                    self.message_user(
                        request, f"{booking.reference}: {error.message}", messages.ERROR
                    )
                else:
                    done += 1
            self.message_user(
                request,
                ngettext(
                    "%d booking cancelled; an email is on its way to the client.",
                    "%d bookings cancelled; emails are on their way to the clients.",
                    done,
                )
                % done,
                messages.SUCCESS,
            )
            return None
        context = admin_context(
            request,
            self,
            title=_("Cancel bookings"),
            bookings=[(b, admin_time(b.start)) for b in confirmed],
            skipped=skipped,
            form=form,
            queryset=queryset,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            action="cancel_bookings",
        )
        return TemplateResponse(request, "admin/bookings/cancel_bookings.html", context)

    @admin.action(description=_("Export selected to CSV"), permissions=["export"])
    def export_selected(self, request, queryset):
        stamp = timezone.now().astimezone(clinic_tz()).strftime("%Y-%m-%d")
        return export.bookings_csv(queryset, f"bookings-selected-{stamp}.csv")
