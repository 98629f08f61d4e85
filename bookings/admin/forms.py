"""Staff forms: booking for a caller, moving a booking, the booking change form, hours, export."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import services
from ..availability import local_datetime
from ..forms import validate_phone
from ..models import Booking, Room, Service, Therapist, WorkingHours
from ..rooms import free_rooms_for
from ..times import admin_date, admin_time, clinic_tz

EXPORT_MAX_DAYS = 366
# How far from today staff may book for a caller and export, in years (back, ahead). Dates
# further out are typing mistakes, and near the ends of the calendar they cannot be computed.
CALLER_YEARS = (1, 2)
EXPORT_YEARS = (20, 5)


def add_years(day: date, years: int) -> date:
    """The same date `years` later (earlier if negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def date_window(today: date, *, back: int, ahead: int) -> tuple[date, date]:
    """The first and last dates `back` years before and `ahead` years after today."""
    return add_years(today, -back), add_years(today, ahead)


def check_in_window(value: date, window: tuple[date, date]) -> date:
    first, last = window
    if not first <= value <= last:
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": admin_date(first), "last": admin_date(last)},
        )
    return value


class SessionStartForm(forms.Form):
    """A session's date and start time in clinic time, near today; `start` once clean."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        help_text=_("Clinic time."),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.window = date_window(today, back=CALLER_YEARS[0], ahead=CALLER_YEARS[1])
        self.fields["date"].widget.attrs.update(
            min=self.window[0].isoformat(), max=self.window[1].isoformat()
        )

    def clean_date(self):
        return check_in_window(self.cleaned_data["date"], self.window)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            # A wall-clock time in the clinic's zone, right on daylight-saving change days.
            start = local_datetime(data["date"], data["time"], clinic_tz())
            if start.replace(tzinfo=None) != datetime.combine(data["date"], data["time"]):
                raise ValidationError(
                    _(
                        "%(time)s does not exist on %(day)s: the clocks go forward an hour that "
                        "night. The same moment is %(real)s; choose that or another time."
                    ),
                    code="clock_change_gap",
                    params={
                        "time": data["time"].strftime("%H:%M"),
                        "day": admin_date(data["date"]),
                        "real": admin_time(start),
                    },
                )
            data["start"] = start
        return data


class CallerBookingForm(SessionStartForm):
    """What the front desk asks a caller; booking goes through bookings.services."""

    field_order = ["service", "therapist", "date", "time"]

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.active(), empty_label=None
    )
    therapist = forms.ModelChoiceField(
        label=_("Therapist"),
        queryset=Therapist.objects.active(),
        required=False,
        empty_label=_("Anyone who offers the service"),
        help_text=_("“Anyone” books the least busy therapist who is free then."),
    )
    name = forms.CharField(label=_("Client's name"), max_length=120)
    email = forms.EmailField(
        label=_("Client's email"),
        max_length=254,
        required=False,
        help_text=_(
            "The confirmation and the link to manage the booking go here. Leave it empty for "
            "a caller without email: they get no emails, so tell them the time on the phone."
        ),
    )
    phone = forms.CharField(label=_("Client's phone"), max_length=32, validators=[validate_phone])
    notes = forms.CharField(
        label=_("Notes for the therapist"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("What the caller said about their pain, if anything."),
    )
    override_hours = forms.BooleanField(
        label=_("Override working hours"),
        required=False,
        help_text=_(
            "Book even outside the therapist's working hours, during time off or a closure, or "
            "at short notice. It never books over another session."
        ),
    )
    repeat_every = forms.TypedChoiceField(
        label=_("Care plan"),
        coerce=int,
        required=False,
        empty_value=0,
        choices=[
            (0, _("One session")),
            (1, _("Every week")),
            (2, _("Every 2 weeks")),
            (3, _("Every 3 weeks")),
        ],
        help_text=_("The same time with the same therapist; every date is checked first."),
    )
    repeat_count = forms.TypedChoiceField(
        label=_("Sessions in all"),
        coerce=int,
        required=False,
        empty_value=6,
        choices=[(n, str(n)) for n in range(2, 13)],
        initial=6,
    )

    @staticmethod
    def initial_from(params) -> dict:
        """Initial values from the agenda's links: ?therapist=<slug>&date=...&time=...&service=."""
        initial = {}
        therapist = Therapist.objects.active().filter(slug=params.get("therapist", "")).first()
        if therapist is not None:
            initial["therapist"] = therapist
        service = Service.objects.active().filter(slug=params.get("service", "")).first()
        if service is not None:
            initial["service"] = service
        for key, parse in (("date", date.fromisoformat), ("time", time.fromisoformat)):
            with contextlib.suppress(ValueError):
                initial[key] = parse(params.get(key, ""))
        return initial

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please enter the client's name."), code="required")
        return name

    def clean(self):
        data = super().clean()
        service, therapist = data.get("service"), data.get("therapist")
        if data.get("repeat_every") and therapist is None:
            self.add_error(
                "therapist",
                ValidationError(
                    _("A care plan is with one therapist: please choose who."),
                    code="plan_therapist",
                ),
            )
        if service and therapist and not therapist.services.filter(pk=service.pk).exists():
            self.add_error(
                "therapist",
                ValidationError(
                    _("%(name)s does not offer %(service)s."),
                    code="not_offered",
                    params={"name": therapist.name, "service": service},
                ),
            )
        return data


class MoveBookingForm(SessionStartForm):
    """Where the front desk moves a confirmed booking; moving goes through bookings.services.

    Starts at the booking's own date, time and therapist; the therapists offered are those
    who offer the booking's service.
    """

    therapist = forms.ModelChoiceField(
        label=_("Therapist"),
        queryset=Therapist.objects.none(),
        required=False,
        empty_label=_("Anyone who offers the service"),
        help_text=_("“Anyone” moves it to the least busy therapist who is free then."),
    )

    def __init__(self, *args, booking: Booking, today: date, **kwargs):
        local = booking.start.astimezone(clinic_tz())
        kwargs.setdefault(
            "initial",
            {"date": local.date(), "time": local.time(), "therapist": booking.therapist_id},
        )
        super().__init__(*args, today=today, **kwargs)
        self.fields["therapist"].queryset = Therapist.objects.offering(booking.service)


class ExportForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Inclusive: sessions starting on this day are in the file."),
    )
    include_cancelled = forms.BooleanField(label=_("Include cancelled bookings"), required=False)

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        first = today.replace(day=1)
        self.fields["start"].initial = first
        self.fields["end"].initial = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        self.window = date_window(today, back=EXPORT_YEARS[0], ahead=EXPORT_YEARS[1])
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                min=self.window[0].isoformat(), max=self.window[1].isoformat()
            )

    def clean_start(self):
        return check_in_window(self.cleaned_data["start"], self.window)

    def clean_end(self):
        return check_in_window(self.cleaned_data["end"], self.window)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError(
                    _("The end date must be on or after the start date."), code="end_before_start"
                )
            if (end - start).days >= EXPORT_MAX_DAYS:
                raise ValidationError(
                    _("Export at most %(days)d days at a time."),
                    code="range_too_long",
                    params={"days": EXPORT_MAX_DAYS},
                )
        return data


class BookingAdminForm(forms.ModelForm):
    """Status and notes are all staff edit on a booking; the admin saves them via services.

    `can_cancel` is False for a therapist (set by the admin): Cancelled is not offered.
    """

    can_cancel = True

    reason = forms.CharField(
        label=_("Reason for cancelling"),
        required=False,
        max_length=300,
        help_text=_("Kept on the booking when you set the status to Cancelled."),
    )

    class Meta:
        model = Booking
        fields = ["status", "room", "notes"]
        help_texts = {
            "status": _(
                "Cancelling frees the time and emails the client. Completed and no-show are for "
                "sessions that have started."
            ),
            "notes": _("What the client told us about their pain; shown to the therapist."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        room = self.fields.get("room")
        if room is not None and self.instance.pk:
            # Only rooms free for the whole session and cleanup (its own room among them).
            free = [r.pk for r in free_rooms_for(self.instance)]
            room.queryset = Room.objects.filter(pk__in=free)
            room.required = True
            room.empty_label = None
            room.help_text = _("Only rooms free for the session and its cleanup are listed.")
        status = self.fields.get("status")
        if status is not None and self.instance.pk:
            allowed = {
                Booking.Status.CONFIRMED: list(Booking.Status),
                Booking.Status.COMPLETED: [
                    Booking.Status.CONFIRMED,
                    Booking.Status.COMPLETED,
                    Booking.Status.NO_SHOW,
                ],
                Booking.Status.NO_SHOW: [
                    Booking.Status.CONFIRMED,
                    Booking.Status.COMPLETED,
                    Booking.Status.NO_SHOW,
                ],
            }.get(self.instance.status, [Booking.Status(self.instance.status)])
            if not self.can_cancel and self.instance.status != Booking.Status.CANCELLED:
                allowed = [choice for choice in allowed if choice != Booking.Status.CANCELLED]
            status.choices = [(choice.value, choice.label) for choice in allowed]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if (
            status != self.instance.status
            and status != Booking.Status.COMPLETED
            and services.has_signed_note(self.instance)
        ):
            raise ValidationError(services.SIGNED_NOTE, code="signed_note")
        if (
            status in {Booking.Status.COMPLETED, Booking.Status.NO_SHOW}
            and status != self.instance.status
            and self.instance.start > timezone.now()
        ):
            raise ValidationError(
                _("This session has not started yet, so it cannot be marked %(status)s."),
                code="not_started",
                params={"status": Booking.Status(status).label.lower()},
            )
        return status


class CancelBookingsForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept on each booking)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class WorkingHoursFormSet(BaseInlineFormSet):
    """Weekly hours: each row starts before it ends, and no two rows of one day overlap."""

    def clean(self):
        super().clean()
        by_day: dict[int, list[tuple[time, time]]] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            weekday = form.cleaned_data.get("weekday")
            start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
            if weekday is None or start is None or end is None or start >= end:
                continue  # the row's own error (model clean) says what is wrong
            by_day.setdefault(int(weekday), []).append((start, end))
        errors = []
        for weekday, intervals in sorted(by_day.items()):
            intervals.sort()
            reaching = intervals[0]  # the row that reaches furthest into the day so far
            for start, end in intervals[1:]:
                if start < reaching[1]:
                    errors.append(
                        ValidationError(
                            _(
                                "%(day)s: %(a)s overlaps %(b)s. Change or remove one of them; "
                                "for a break, end the first row when the break starts."
                            ),
                            code="overlapping_hours",
                            params={
                                "day": WorkingHours.Weekday(weekday).label,
                                "a": f"{reaching[0]:%H:%M}–{reaching[1]:%H:%M}",
                                "b": f"{start:%H:%M}–{end:%H:%M}",
                            },
                        )
                    )
                if end > reaching[1]:
                    reaching = (start, end)
        if errors:
            raise ValidationError(errors)
