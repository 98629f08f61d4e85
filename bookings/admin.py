"""The clinic's back office: schedules, bookings and clients, with per-role row limits.

The owner (superuser) and the front desk see everything; a therapist sees only their own
profile, hours, time off, bookings and the clients they have had bookings with (see
`admin_views.staff_scope`). Rows outside a user's scope answer 404 on every admin URL.
Bookings are created, moved, cancelled and marked only through `bookings.services`.
"""

from datetime import datetime, time, timedelta
from itertools import groupby

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminTimeWidget
from django.db import models
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_views, availability, services
from .admin_forms import BookingAdminForm, CancelBookingsForm, WorkingHoursFormSet
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
from .schedules import clinic_tz
from .templatetags.clinic_time import zone_name
from .views import find_slots

admin.site.site_header = _("Rimrock Massage & Bodywork: back office")
admin.site.site_title = _("Clinic back office")
admin.site.index_title = _("Today at the clinic")


def clinic_time(moment: datetime | None, fmt: str = r"D M j, Y, g:i A T") -> str:
    if moment is None:
        return ""
    return dateformat.format(moment.astimezone(clinic_tz()), fmt)


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
    """A row outside the user's scope answers 404 (never the "perhaps it was deleted" page)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("There is no such %(name)s.") % {"name": self.opts.verbose_name})
        return obj


def _sees_everything(request) -> bool:
    return admin_views.staff_scope(request.user).everything


# --- Services and policy ---------------------------------------------------------------------


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duration", "price", "buffer_after", "active", "order"]
    list_editable = ["price", "active", "order"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name", "duration"]}


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slot_step", "min_notice", "horizon_days", "cancellation_window"]

    def has_add_permission(self, request):
        return not BookingPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


# --- Therapists and their schedules ----------------------------------------------------------


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    fields = ["weekday", "start", "end"]
    extra = 0
    formfield_overrides = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}
    verbose_name_plural = _("weekly working hours (clinic time; two rows on a day make a break)")


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    fields = ["start", "end", "reason"]
    extra = 0
    verbose_name_plural = _("time off (clinic time; from the last 30 days on)")

    def get_queryset(self, request):
        # Older time off stays in the database, out of the way.
        since = timezone.now() - timedelta(days=30)
        return super().get_queryset(request).filter(end__gte=since).order_by("start")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        help_texts = {
            "start": _("Clinic time. Clients cannot book you from then."),
            "end": _("Clinic time. Bookable again from then."),
            "reason": _("For the team; clients never see it."),
        }
        if field is not None and db_field.name in help_texts:
            field.help_text = help_texts[db_field.name]
        return field


@admin.register(Therapist)
class TherapistAdmin(ScopedAdmin):
    list_display = ["name", "credentials", "active", "order", "agenda_link"]
    list_filter = ["active", "services"]
    search_fields = ["name", "email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services"]
    inlines = [WorkingHoursInline, TimeOffInline]
    actions = ["new_calendar_addresses"]
    # What only the front desk and the owner change on a therapist.
    front_desk_fields = ["user", "slug", "services", "active", "order"]

    def get_queryset(self, request):
        return admin_views.scoped_therapists(super().get_queryset(request), request.user)

    def get_list_filter(self, request):
        return self.list_filter if _sees_everything(request) else []

    def get_readonly_fields(self, request, obj=None):
        readonly = ["free_times", "calendar_feed"]
        if not _sees_everything(request):
            readonly += self.front_desk_fields
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if _sees_everything(request) else {}

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "slug", "user", "email"]}),
            (
                _("Profile on the website"),
                {"fields": ["bio", "credentials", "years_experience", "techniques"]},
            ),
            (_("Bookings"), {"fields": ["services", "active", "order"]}),
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
            if admin_views.staff_scope(request.user).allows(obj.pk):
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
        return admin_views.calendar_link(request, object_id, self)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is WorkingHours and formset.has_changed():
            _warn_about_stranded_bookings(request, form.instance)
        if formset.model is TimeOff:
            saved = formset.new_objects + [obj for obj, _changed in formset.changed_objects]
            for off in saved:
                _warn_about_bookings(
                    request,
                    Booking.objects.filter(therapist=off.therapist),
                    off.start,
                    off.end,
                    _("This time off"),
                )

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
        rows = []
        for day in days:
            runs = _runs(by_day.get(day, []), policy.step)
            text = (
                ", ".join(
                    clinic_time(first, "g:i A")
                    if first == last
                    else f"{clinic_time(first, 'g:i A')} – {clinic_time(last, 'g:i A')}"
                    for first, last in runs
                )
                if runs
                else _("no free times")
            )
            rows.append((dateformat.format(day, "D M j"), text))
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
        url = admin_views.feed_url(obj)
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


def _warn_about_bookings(request, bookings, start, end, what) -> None:
    clashing = list(
        bookings.filter(status=Booking.Status.CONFIRMED, start__lt=end, end__gt=start)
        .order_by("start")
        .values_list("reference", flat=True)
    )
    if clashing:
        messages.warning(
            request,
            ngettext(
                "%(what)s overlaps %(count)d confirmed booking (%(refs)s). It is still booked: "
                "move or cancel it if needed.",
                "%(what)s overlaps %(count)d confirmed bookings (%(refs)s). They are still "
                "booked: move or cancel them if needed.",
                len(clashing),
            )
            % {"what": what, "count": len(clashing), "refs": ", ".join(clashing)},
        )


def _warn_about_stranded_bookings(request, therapist: Therapist) -> None:
    """Warn about confirmed upcoming sessions that the saved working hours no longer cover."""
    tz = clinic_tz()
    weekly: dict[int, list[tuple[time, time]]] = {}
    for hours in WorkingHours.objects.filter(therapist=therapist):
        weekly.setdefault(hours.weekday, []).append((hours.start, hours.end))
    schedule = availability.Schedule(key=therapist.slug, weekly=weekly)
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
            stranded.append(f"{booking.reference} ({clinic_time(booking.start)})")
    if stranded:
        messages.warning(
            request,
            ngettext(
                "%(count)d confirmed booking is now outside %(name)s's working hours: "
                "%(bookings)s. It is still booked: move or cancel it if needed.",
                "%(count)d confirmed bookings are now outside %(name)s's working hours: "
                "%(bookings)s. They are still booked: move or cancel them if needed.",
                len(stranded),
            )
            % {"count": len(stranded), "name": therapist.name, "bookings": "; ".join(stranded)},
        )


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["reason", "starts", "ends"]
    date_hierarchy = "start"
    search_fields = ["reason"]
    fields = ["reason", "start", "end"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        help_texts = {
            "start": _("Clinic time. Usually midnight at the start of the day."),
            "end": _("Clinic time. Usually midnight at the end of the last closed day."),
        }
        if field is not None and db_field.name in help_texts:
            field.help_text = help_texts[db_field.name]
        return field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _warn_about_bookings(request, Booking.objects.all(), obj.start, obj.end, _("The closure"))

    @admin.display(description=_("from"), ordering="start")
    def starts(self, obj):
        return clinic_time(obj.start)

    @admin.display(description=_("until"), ordering="end")
    def ends(self, obj):
        return clinic_time(obj.end)


# --- Clients ---------------------------------------------------------------------------------


class ClientBookingInline(ReadOnlyInline):
    """The client's sessions; a therapist sees only their own (and so only their own notes)."""

    model = Booking
    fk_name = "client"
    fields = ["booking_link", "when", "therapist", "service", "status", "notes"]
    readonly_fields = fields
    verbose_name_plural = _("booking history")
    view_on_site = False  # a booking's public page is the client's private one

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("therapist", "service")
        return admin_views.scoped_bookings(queryset, request.user).order_by("-start")

    @admin.display(description=_("reference"))
    def booking_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:bookings_booking_change", args=[obj.pk]),
            obj.reference,
        )

    @admin.display(description=_("when"))
    def when(self, obj):
        return clinic_time(obj.start)


@admin.register(Client)
class ClientAdmin(ScopedAdmin):
    list_display = ["name", "email", "phone", "session_count", "latest_session"]
    search_fields = ["name", "email", "phone"]
    fields = ["name", "email", "phone", "staff_notes", "created_at"]
    inlines = [ClientBookingInline]

    def get_queryset(self, request):
        queryset = admin_views.scoped_clients(super().get_queryset(request), request.user)
        sessions = ~Q(bookings__status=Booking.Status.CANCELLED)
        scope = admin_views.staff_scope(request.user)
        if not scope.everything and scope.therapist is not None:
            sessions &= Q(bookings__therapist=scope.therapist)
        # Ordered explicitly: default ordering is dropped from GROUP BY queries, and the
        # admin's autocomplete pages through this queryset.
        return queryset.annotate(
            session_total=Count("bookings", filter=sessions),
            latest_start=Max("bookings__start", filter=sessions),
        ).order_by("name", "pk")

    def get_readonly_fields(self, request, obj=None):
        if _sees_everything(request):
            return ["created_at"]
        # Therapists add staff notes; contact details are the front desk's to change.
        return ["name", "email", "phone", "created_at"]

    @admin.display(description=_("sessions"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total

    @admin.display(description=_("latest session"), ordering="latest_start")
    def latest_session(self, obj):
        return clinic_time(obj.latest_start, "M j, Y") or "–"


# --- Bookings --------------------------------------------------------------------------------


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


CANCEL_REFUSAL = _(
    "Only the front desk and the owner cancel bookings. Nothing was changed: ask the front "
    "desk to cancel it."
)


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
        return clinic_time(obj.at)

    @admin.display(description=_("who"))
    def who(self, obj):
        if obj.user is None:
            return _("(deleted user)")
        name = obj.user.get_full_name()
        return f"{name} ({obj.user.get_username()})" if name else obj.user.get_username()


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
    form = BookingAdminForm
    list_display = ["reference", "when", "client", "therapist", "status", "service", "source"]
    list_display_links = ["reference", "when"]
    list_filter = [WhenFilter, "therapist", "service", "status", "source"]
    date_hierarchy = "start"
    search_fields = ["reference", "client__name", "client__email", "client__phone"]
    search_help_text = _("Search by reference or the client's name, email or phone.")
    list_select_related = ["therapist", "service", "client"]
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

    def get_queryset(self, request):
        return admin_views.scoped_bookings(super().get_queryset(request), request.user)

    def get_ordering(self, request):
        if request.GET.get(WhenFilter.parameter_name) in WhenFilter.forward:
            return ["start"]
        return super().get_ordering(request)

    def get_list_filter(self, request):
        if _sees_everything(request):
            return self.list_filter
        return [f for f in self.list_filter if f != "therapist"]

    def get_list_display(self, request):
        if _sees_everything(request):
            return self.list_display
        return [f for f in self.list_display if f != "therapist"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Booking.Status.CANCELLED:
            return [*self.readonly_fields, "status"]
        return self.readonly_fields

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
        return _sees_everything(request) and self.has_change_permission(request, obj)

    def has_cancel_permission(self, request, obj=None):
        # Cancelling frees the time and emails the client: like moving, the front desk's job.
        return _sees_everything(request) and self.has_change_permission(request, obj)

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
        return admin_views.agenda(request, self)

    def export_view(self, request):
        return admin_views.export(request, self)

    def move_view(self, request, object_id):
        return admin_views.booking_move(request, object_id, self)

    def add_view(self, request, form_url="", extra_context=None):
        # Staff book through the same service and guarantee as clients.
        return admin_views.book_for_caller(request, self)

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
        return clinic_time(obj.start)

    @admin.display(description=_("when (clinic time)"))
    def session_time(self, obj):
        return _("%(start)s – %(end)s, then %(cleanup)d minutes' cleanup") % {
            "start": clinic_time(obj.start, r"l, F j, Y, g:i A"),
            "end": clinic_time(obj.end, "g:i A T"),
            "cleanup": obj.service.buffer_after,
        }

    @admin.display(description=_("client's email and phone"))
    def client_contact(self, obj):
        return format_html(
            '<a href="mailto:{}">{}</a> · <a href="tel:{}">{}</a>',
            obj.client.email,
            obj.client.email,
            obj.client.phone,
            obj.client.phone,
        )

    # Actions: through bookings.services, so every change is recorded with who made it.

    def _mark(self, request, queryset, status) -> None:
        now = timezone.now()
        done = not_started = cancelled = 0
        for booking in queryset:
            if booking.status == Booking.Status.CANCELLED:
                cancelled += 1
            elif booking.start > now:
                not_started += 1
            elif services.booking_set_status(
                booking=booking, status=status, by=request.user, now=now
            ):
                done += 1
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
                    "%d booking cancelled; the client has been emailed.",
                    "%d bookings cancelled; the clients have been emailed.",
                    done,
                )
                % done,
                messages.SUCCESS,
            )
            return None
        context = admin_views.admin_context(
            request,
            self,
            title=_("Cancel bookings"),
            bookings=[(b, clinic_time(b.start)) for b in confirmed],
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
        return admin_views.bookings_csv(queryset, f"bookings-selected-{stamp}.csv")
