"""The waitlist in the back office: entries in join order with filters, each entry's offers
(who was offered what, when, and what came of it), offering a free time to one entry, and for
the owner how many cancelled sessions the waitlist filled again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import waitlist
from ..models import BookingPolicy, Therapist, WaitlistEntry, WaitlistOffer
from ..models.waitlist import WEEKDAY_SHORT
from ..refusals import BookingError
from ..schedules import find_slots, in_clinic_time
from ..times import admin_time, clinic_tz, zone_name
from .base import ReadOnlyInline, ScopedAdmin, admin_context, booking_link

# How far ahead the front desk is shown free times to offer.
OFFER_DAYS = 14


class DayFilter(admin.SimpleListFilter):
    title = _("day that suits")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [(str(day), label) for day, label in WEEKDAY_SHORT]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and len(value) == 1:
            return queryset.filter(weekdays__contains=value)
        return queryset


class OfferInline(ReadOnlyInline):
    model = WaitlistOffer
    fields = ["when", "therapist", "offered", "open_until", "status", "closed", "by", "booked"]
    readonly_fields = fields
    verbose_name_plural = _("offers: who was offered what, when, and what came of it")

    @admin.display(description=_("session"))
    def when(self, obj):
        return admin_time(obj.start)

    @admin.display(description=_("offered"))
    def offered(self, obj):
        return admin_time(obj.offered_at)

    @admin.display(description=_("open until"))
    def open_until(self, obj):
        return admin_time(obj.expires_at)

    @admin.display(description=_("closed"))
    def closed(self, obj):
        return admin_time(obj.closed_at) if obj.closed_at else "–"

    @admin.display(description=_("offered by"))
    def by(self, obj):
        return obj.offered_by or _("the waitlist job")

    @admin.display(description=_("booking"))
    def booked(self, obj):
        return booking_link(obj.booking) if obj.booking else "–"


class OfferTimeForm(forms.Form):
    slot = forms.ChoiceField(label=_("Free time"), widget=forms.RadioSelect)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ScopedAdmin):
    list_display = ["name", "service", "who", "days", "parts_of_day", "dates", "joined", "status"]
    list_filter = ["status", "service", ("therapist", admin.RelatedOnlyFieldListFilter), DayFilter]
    search_fields = ["name", "email", "phone"]
    ordering = ["joined_at", "pk"]
    inlines = [OfferInline]
    readonly_fields = ["status", "joined_at", "closed_at", "booking", "offer_link"]
    fields = [
        "service",
        "therapist",
        "weekdays",
        "parts",
        "from_date",
        "until_date",
        "name",
        "email",
        "phone",
        "status",
        "joined_at",
        "closed_at",
        "booking",
        "offer_link",
    ]
    change_list_template = "admin/bookings/waitlist_changelist.html"

    def has_add_permission(self, request):
        return False  # clients join online; the front desk can send them the link

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return [f for f in self.fields if f not in {"from_date", "until_date"}]
        return self.fields

    def get_urls(self):
        return [
            path(
                "<int:object_id>/offer/",
                self.admin_site.admin_view(self.offer_view),
                name="bookings_waitlistentry_offer",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = extra_context or {}
        if request.user.is_superuser:
            now = timezone.now()
            extra["figures"] = [waitlist.refill_figures(now=now, days=days) for days in (30, 90)]
        return super().changelist_view(request, extra_context=extra)

    @admin.display(description=_("therapist"), ordering="therapist__name")
    def who(self, obj):
        return obj.therapist.name if obj.therapist else _("any")

    @admin.display(description=_("days"))
    def days(self, obj):
        return obj.days_display()

    @admin.display(description=_("parts of day"))
    def parts_of_day(self, obj):
        return obj.parts_display()

    @admin.display(description=_("dates"))
    def dates(self, obj):
        last = obj.until_date.isoformat() if obj.until_date else "…"
        return f"{obj.from_date.isoformat()} – {last}"

    @admin.display(description=_("joined"), ordering="joined_at")
    def joined(self, obj):
        return admin_time(obj.joined_at)

    @admin.display(description=_("offer a time"))
    def offer_link(self, obj):
        if obj.pk is None or obj.status != WaitlistEntry.Status.WAITING:
            return "–"
        url = reverse("admin:bookings_waitlistentry_offer", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Offer a specific free time"))

    def _free_times(self, entry: WaitlistEntry, now) -> list[tuple[str, str]]:
        """(value, label) of the free times in the next two weeks that could be offered."""
        policy = BookingPolicy.load()
        today = now.astimezone(clinic_tz()).date()
        slots = find_slots(
            entry.service,
            entry.therapist,
            today,
            today + timedelta(days=OFFER_DAYS),
            now=now,
            policy=policy,
        )
        names = dict(Therapist.objects.values_list("slug", "name"))
        return [
            (
                f"{slot.therapist}|{slot.start.isoformat()}",
                f"{admin_time(slot.start)}, {names[slot.therapist]}",
            )
            for slot in in_clinic_time(slots)
        ]

    def offer_view(self, request, object_id):
        entry = self.get_object(request, str(object_id))
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        now = timezone.now()
        form = OfferTimeForm(request.POST or None)
        form.fields["slot"].choices = self._free_times(entry, now)
        if request.method == "POST" and form.is_valid():
            slug, start = form.cleaned_data["slot"].split("|", 1)
            try:
                waitlist.waitlist_offer_create(
                    entry=entry,
                    therapist=Therapist.objects.get(slug=slug),
                    start=datetime.fromisoformat(start),
                    now=now,
                    by=request.user,
                )
            except BookingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The offer is on its way to the client."))
                return HttpResponseRedirect(
                    reverse("admin:bookings_waitlistentry_change", args=[entry.pk])
                )
        context = admin_context(
            request, self, entry=entry, form=form, zone=zone_name(), title=_("Offer a free time")
        )
        return render(request, "admin/bookings/waitlist_offer.html", context)


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(ScopedAdmin):
    list_display = ["entry", "service", "therapist", "session", "offered", "status", "booking"]
    list_filter = ["status", "service", ("therapist", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["entry__name", "entry__email"]
    date_hierarchy = "offered_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("session"), ordering="start")
    def session(self, obj):
        return admin_time(obj.start)

    @admin.display(description=_("offered"), ordering="offered_at")
    def offered(self, obj):
        return admin_time(obj.offered_at)
