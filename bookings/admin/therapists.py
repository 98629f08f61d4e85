"""Therapists in the back office: their profile, services, weekly hours and time off, the free
times those give, and their private calendar subscription."""

from datetime import datetime, timedelta
from itertools import groupby

from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..freed import time_freed
from ..models import BookingPolicy, Therapist, TimeOff, WorkingHours, staff_scope
from ..schedules import find_slots
from ..times import admin_clock, clinic_tz, zone_name
from . import calendar_link
from .base import ScopedAdmin, sees_everything
from .media import HeadshotInline
from .schedules import (
    TimeOffInline,
    WorkingHoursInline,
    warn_about_saved_periods,
    warn_about_stranded_bookings,
)


@admin.register(Therapist)
class TherapistAdmin(ScopedAdmin):
    list_display = ["name", "credentials", "active", "order", "agenda_link"]
    list_filter = ["active", "services"]
    search_fields = ["name", "email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services", "preferred_rooms"]
    inlines = [HeadshotInline, WorkingHoursInline, TimeOffInline]
    actions = ["new_calendar_addresses"]
    # What only the front desk and the owner change on a therapist.
    front_desk_fields = ["user", "slug", "services", "preferred_rooms", "active", "order"]

    def get_list_filter(self, request):
        return self.list_filter if sees_everything(request) else []

    def get_readonly_fields(self, request, obj=None):
        readonly = ["free_times", "calendar_feed"]
        if not sees_everything(request):
            readonly += self.front_desk_fields
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if sees_everything(request) else {}

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "slug", "user", "email"]}),
            (
                _("Profile on the website"),
                {"fields": ["bio", "credentials", "years_experience", "techniques"]},
            ),
            (_("Bookings"), {"fields": ["services", "preferred_rooms", "active", "order"]}),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    _("Free times in the next 7 days"),
                    {
                        "fields": ["free_times"],
                        "description": _(
                            "What clients can book online with the hours and time off below, "
                            "as saved. Save to see the effect of a change."
                        ),
                    },
                )
            )
            if staff_scope(request.user).allows(obj.pk):
                fieldsets.append((_("Calendar subscription"), {"fields": ["calendar_feed"]}))
        return fieldsets

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/calendar-address/",
                self.admin_site.admin_view(self.calendar_link_view),
                name="{}_{}_calendar_link".format(*info),
            ),
            *super().get_urls(),
        ]

    def calendar_link_view(self, request, object_id):
        return calendar_link.calendar_link(request, object_id, self)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is WorkingHours and formset.has_changed():
            warn_about_stranded_bookings(request, form.instance)
        if formset.model in {WorkingHours, TimeOff} and formset.has_changed():
            # New hours, or time off removed or shortened: offered to the waitlist.
            now = timezone.now()
            horizon = BookingPolicy.load().horizon
            time_freed(therapist_id=form.instance.pk, start=now, end=now + horizon)
        if formset.model is TimeOff:
            warn_about_saved_periods(request, formset, _("This time off"), owner="therapist")

    @admin.display(description=_("agenda"))
    def agenda_link(self, obj):
        url = reverse("admin:bookings_booking_agenda") + f"?view=week&therapist={obj.slug}"
        return format_html('<a href="{}">{}</a>', url, _("This week"))

    @admin.display(description=_("free start times"))
    def free_times(self, obj):
        if obj.pk is None:
            return ""
        if not obj.active:
            return _("Not taking bookings: tick “taking bookings” to appear on the website.")
        offered = [s for s in obj.services.all() if s.active]
        if not offered:
            return _("Offers no bookable service yet.")
        service = min(offered, key=lambda s: (s.duration, s.order, s.pk))
        policy = BookingPolicy.load()
        tz = clinic_tz()
        now = timezone.now()
        today = now.astimezone(tz).date()
        days = [today + timedelta(days=offset) for offset in range(7)]
        slots = find_slots(service, obj, days[0], days[-1], now=now, policy=policy)
        by_day = {
            day: [slot.start.astimezone(tz) for slot in group]
            for day, group in groupby(slots, key=lambda slot: slot.start.astimezone(tz).date())
        }
        rows = [
            (
                dateformat.format(day, "D M j"),
                ", ".join(
                    admin_clock(first)
                    if first == last
                    else f"{admin_clock(first)} – {admin_clock(last)}"
                    for first, last in _runs(by_day.get(day, []), policy.step)
                )
                or _("no free times"),
            )
            for day in days
        ]
        return format_html(
            '<p class="free-times-intro">{}</p><ul class="free-times">{}</ul>',
            _(
                "%(service)s, start times every %(step)d minutes within each range "
                "(%(zone)s), after the %(notice)d minutes' notice clients need."
            )
            % {
                "service": service,
                "step": policy.slot_step,
                "zone": zone_name(),
                "notice": policy.min_notice,
            },
            format_html_join("", "<li><strong>{}</strong>: {}</li>", rows),
        )

    @admin.display(description=_("private calendar address"))
    def calendar_feed(self, obj):
        if obj.pk is None:
            return ""
        url = calendar_link.feed_url(obj)
        webcal = "webcal://" + url.split("://", 1)[-1]
        return format_html(
            '<input type="text" readonly value="{url}" class="vLargeTextField calendar-feed-url" '
            'aria-label="{label}"> <a href="{webcal}">{open}</a>'
            '<p class="calendar-feed-help">{help}</p>'
            '<p class="calendar-feed-help"><a class="button" href="{renew}">{renew_label}</a></p>',
            url=url,
            label=_("Calendar address"),
            webcal=webcal,
            open=_("Open in calendar app"),
            help=_(
                "Subscribe to this address to see your sessions (last 30 days, next 90) in "
                "Google Calendar (Other calendars › From URL), Apple Calendar (File › New "
                "Calendar Subscription) or Outlook (Add calendar › Subscribe from web). It shows "
                "client names: keep it private. If it leaks, get a new one."
            ),
            renew=reverse("admin:bookings_therapist_calendar_link", args=[obj.pk]),
            renew_label=_("Get a new address"),
        )

    @admin.action(description=_("Give new private calendar addresses"), permissions=["change"])
    def new_calendar_addresses(self, request, queryset):
        count = 0
        for therapist in queryset:
            services.therapist_new_calendar_token(therapist=therapist)
            self.log_change(request, therapist, _("New calendar feed address"))
            count += 1
        self.message_user(
            request,
            ngettext(
                "%d therapist has a new calendar address; the old one no longer works.",
                "%d therapists have new calendar addresses; the old ones no longer work.",
                count,
            )
            % count,
            messages.SUCCESS,
        )


def _runs(starts: list[datetime], step: timedelta) -> list[tuple[datetime, datetime]]:
    """Consecutive start times (one step apart) as (first, last) ranges."""
    runs: list[tuple[datetime, datetime]] = []
    for start in starts:
        if runs and start - runs[-1][1] == step:
            runs[-1] = (runs[-1][0], start)
        else:
            runs.append((start, start))
    return runs
