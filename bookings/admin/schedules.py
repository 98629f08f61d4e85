"""Schedules in the back office: weekly hours and time off (inlines on a therapist), clinic
closures, and the warnings shown when a change leaves confirmed sessions outside them."""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTimeWidget
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import availability
from ..freed import time_freed
from ..models import Booking, Closure, Therapist, TimeOff, WorkingHours
from ..schedules import weekly_hours
from ..times import admin_time, clinic_tz
from .base import booking_link, booking_links, message_html
from .forms import WorkingHoursFormSet


class HelpTextsMixin:
    """Help texts for model fields, per admin (the same field means different things)."""

    help_texts: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.help_texts:
            field.help_text = self.help_texts[db_field.name]
        return field


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    fields = ["weekday", "start", "end"]
    extra = 0
    formfield_overrides = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}
    verbose_name_plural = _("weekly working hours (clinic time; two rows on a day make a break)")


class TimeOffInline(HelpTextsMixin, admin.TabularInline):
    model = TimeOff
    fields = ["start", "end", "reason"]
    extra = 0
    verbose_name_plural = _("time off (clinic time; from the last 30 days on)")
    help_texts = {
        "start": _("Clinic time. Clients cannot book you from then."),
        "end": _("Clinic time. Bookable again from then."),
        "reason": _("For the team; clients never see it."),
    }

    def get_queryset(self, request):
        # Older time off stays in the database, out of the way.
        since = timezone.now() - timedelta(days=30)
        return super().get_queryset(request).filter(end__gte=since).order_by("start")


@admin.register(Closure)
class ClosureAdmin(HelpTextsMixin, admin.ModelAdmin):
    list_display = ["reason", "starts", "ends"]
    date_hierarchy = "start"
    search_fields = ["reason"]
    fields = ["reason", "start", "end"]
    help_texts = {
        "start": _("Clinic time. Usually midnight at the start of the day."),
        "end": _("Clinic time. Usually midnight at the end of the last closed day."),
    }

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn_about_bookings(request, Booking.objects.all(), obj.start, obj.end, _("The closure"))
        if change and {"start", "end"} & set(form.changed_data):
            # Part of the old closure may be open again: offered to the waitlist.
            start, end = form.initial.get("start", obj.start), form.initial.get("end", obj.end)
            time_freed(therapist_id=None, start=start, end=end)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        time_freed(therapist_id=None, start=obj.start, end=obj.end)

    def delete_queryset(self, request, queryset):
        lifted = list(queryset.values_list("start", "end"))
        super().delete_queryset(request, queryset)
        for start, end in lifted:
            time_freed(therapist_id=None, start=start, end=end)

    @admin.display(description=_("from"), ordering="start")
    def starts(self, obj):
        return admin_time(obj.start)

    @admin.display(description=_("until"), ordering="end")
    def ends(self, obj):
        return admin_time(obj.end)


def warn_about_bookings(request, bookings, start, end, what) -> None:
    """Warn about confirmed sessions among `bookings` that [start, end) overlaps."""
    clashing = list(
        bookings.filter(status=Booking.Status.CONFIRMED)
        .overlapping(start, end, cleanup=False)
        .order_by("start")
        .only("pk", "reference")
    )
    if clashing:
        messages.warning(
            request,
            message_html(
                ngettext(
                    "%(what)s overlaps %(count)d confirmed booking (%(refs)s). It is still booked: "
                    "move or cancel it if needed.",
                    "%(what)s overlaps %(count)d confirmed bookings (%(refs)s). They are still "
                    "booked: move or cancel them if needed.",
                    len(clashing),
                ),
                what=what,
                count=len(clashing),
                refs=booking_links(clashing),
            ),
        )


def warn_about_saved_periods(request, formset, what, *, owner: str) -> None:
    """After an inline of periods (time off, room closures) is saved: warn about the confirmed
    sessions each new or changed period overlaps; `owner` is the field ("therapist", "room")
    that ties both the period and the bookings to whom it concerns."""
    saved = formset.new_objects + [obj for obj, _changed in formset.changed_objects]
    for period in saved:
        bookings = Booking.objects.filter(**{owner: getattr(period, owner)})
        warn_about_bookings(request, bookings, period.start, period.end, what)


def warn_about_stranded_bookings(request, therapist: Therapist) -> None:
    """Warn about confirmed upcoming sessions that the saved working hours no longer cover."""
    tz = clinic_tz()
    schedule = availability.Schedule(
        key=therapist.slug, weekly=weekly_hours(WorkingHours.objects.filter(therapist=therapist))
    )
    upcoming = (
        Booking.objects.for_therapist(therapist)
        .upcoming(timezone.now())
        .filter(status=Booking.Status.CONFIRMED)
        .order_by("start")
    )
    stranded = []
    for booking in upcoming:
        day = booking.start.astimezone(tz).date()
        # As in availability.why_unavailable: the session must fit in one working interval.
        if not any(
            opens <= booking.start and booking.end <= closes
            for opens, closes in availability.working_intervals(schedule, day, day, tz)
        ):
            when = admin_time(booking.start)
            stranded.append(format_html("{} ({})", booking_link(booking), when))
    if stranded:
        messages.warning(
            request,
            message_html(
                ngettext(
                    "%(count)d confirmed booking is now outside %(name)s's working hours: "
                    "%(bookings)s. It is still booked: move or cancel it if needed.",
                    "%(count)d confirmed bookings are now outside %(name)s's working hours: "
                    "%(bookings)s. They are still booked: move or cancel them if needed.",
                    len(stranded),
                ),
                count=len(stranded),
                name=therapist.name,
                bookings=format_html_join("; ", "{}", ((item,) for item in stranded)),
            ),
        )
